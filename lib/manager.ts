// The manager: owns the queue, accepts workers, places each task where it fits, and hands finished tasks
// back to wait() or to the remote() caller's promise.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { Connection } from './protocol/connection.js';
import type { AnyMessage, Announce, TaskResult, ResourceAmounts } from './protocol/messages.js';
import { Task, FunctionTask, CommandTask } from './task.js';
import { TaskQueue } from './task-queue.js';
import { WorkerLink } from './worker-link.js';
import { FileStore } from './file-store.js';
import { TaskFailedError } from './task-failure.js';
import { OptionError, checkKnownKeys, checkNumber, checkObject, checkString, describeValue } from './options.js';
import { formatResources } from './resources.js';
import { Tunables } from './tunables.js';
import { announceProblem, resultProblem } from './message-checks.js';
import { startLocal, type LocalOptions } from './local-pool.js';
import type { ManagerEvent, ManagerEventListener, WorkerInfo } from './events.js';

export interface ManagerOptions {
  /** Address to listen on. Default '0.0.0.0' (all interfaces). */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 9123. */
  port?: number;
  /** Shared secret workers must prove they know. Default: none. */
  password?: string | null;
  name?: string;
  /** Where log lines go; false silences them. Default: stderr. */
  log?: ((line: string) => void) | false;
}

const MANAGER_OPTION_KEYS = ['host', 'port', 'password', 'name', 'log'] as const;

export interface WorkerStatus {
  id: number;
  name: string;
  host: string;
  pid: number;
  resources: ResourceAmounts;
  inUse: ResourceAmounts;
  running: number;
  queuedOnWorker: number;
  tasksDone: number;
  connectedAt: number;
}

export interface ManagerStatus {
  name: string;
  port: number | null;
  workers: WorkerStatus[];
  tasks: { preparing: number; waiting: number; running: number; retrieved: number; done: number };
}

export class Manager {
  readonly name: string;
  port: number | null = null;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly password: string | null;
  private readonly log: (line: string) => void;
  private server: Server | null = null;
  private readonly links = new Map<number, WorkerLink>();
  private linkList: WorkerLink[] = [];
  private readonly pendingConns = new Set<Connection>();
  private readonly queue = new TaskQueue<Task>();
  private readonly unfinished = new Map<number, Task>();
  private readonly finished: Task[] = [];
  private finishedHead = 0;
  private waiters: ((t: Task | null) => void)[] = [];
  private submittedOpen = 0;
  private retrieved = 0;
  private doneCount = 0;
  private nextTaskId = 1;
  private nextWorkerId = 1;
  private dispatchQueued = false;
  private refd = false;
  private closed = false;
  private readonly files = new FileStore();
  private readonly execMean = new Map<string, { mean: number; n: number }>();
  private readonly tunables = new Tunables();
  private listeners: ManagerEventListener[] = [];
  /** @internal Set by Manager.local(): stops the embedded worker on close(). */
  embeddedStop: (() => Promise<void>) | null = null;

  constructor(options: ManagerOptions = {}) {
    const o = checkObject('new Manager()', options);
    checkKnownKeys('new Manager()', o, MANAGER_OPTION_KEYS);
    this.host = o.host === undefined ? '0.0.0.0' : checkString('new Manager()', 'host', o.host);
    this.requestedPort = o.port === undefined ? 9123 : checkNumber('new Manager()', 'port', o.port, { integer: true });
    if (this.requestedPort > 65535) throw new OptionError(`new Manager(): option "port" expects an integer from 0 to 65535, got ${this.requestedPort}`);
    this.password = o.password == null ? null : checkString('new Manager()', 'password', o.password);
    this.name = o.name === undefined ? `trellis@${hostname()}` : checkString('new Manager()', 'name', o.name);
    if (o.log !== undefined && o.log !== false && typeof o.log !== 'function') {
      throw new OptionError(`new Manager(): option "log" expects a function or false, got ${describeValue(o.log)}`);
    }
    const sink = o.log as ManagerOptions['log'];
    this.log = sink === false ? () => {} : sink ?? ((line: string) => console.error(line));
  }

  /** An embedded pool: a manager on loopback and a worker in this process sized to this machine. */
  static local(options?: LocalOptions): Manager {
    return startLocal(options);
  }

  /** Starts accepting workers; resolves with the port (useful with port 0). */
  async listen(): Promise<number> {
    if (this.server) return this.port!;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.requestedPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log(`trellis manager: listening socket error: ${err.message}`));
    this.port = (server.address() as { port: number }).port;
    if (!this.refd) server.unref();
    if (this.listeners.length) this.emit({ type: 'manager-start', time: Date.now() / 1000, name: this.name, port: this.port });
    return this.port;
  }

  /** Calls `listener` with every event (see ManagerEvent); returns a function that stops it. */
  onEvent(listener: ManagerEventListener): () => void {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  private emit(e: ManagerEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch (err) { this.log(`trellis manager: an event listener failed: ${(err as Error).message}`); }
    }
  }

  /** Queues a task; its id is returned and wait() will return it when it is done. */
  submit(task: Task): number {
    if (!(task instanceof Task)) {
      throw new OptionError(`Manager.submit: expected a FunctionTask or CommandTask, got ${describeValue(task)}`);
    }
    this.admit(task);
    this.submittedOpen++;
    return task.id;
  }

  /** @internal Runs a task and settles with its output (remote() calls come this way). */
  run<R>(task: FunctionTask<unknown[], R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      task.onDone = () => {
        if (task.result === 'success') resolve(task.output as R);
        else if (task.result === 'exception' && task.error) reject(task.error);
        else reject(failureOf(task, `${task.shipment.name}()`));
      };
      try {
        this.admit(task as Task);
      } catch (err) {
        task.onDone = null;
        reject(err);
      }
    });
  }

  /** The next finished submitted task, or null after `timeoutSeconds` (or at once if none is pending). */
  wait(timeoutSeconds = Infinity): Promise<Task | null> {
    checkNumber('Manager.wait', 'timeoutSeconds', timeoutSeconds, { allowInfinity: true });
    const ready = this.takeFinished();
    if (ready || this.submittedOpen === 0) return Promise.resolve(ready);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const waiter = (t: Task | null) => {
        if (timer) clearTimeout(timer);
        resolve(t);
      };
      this.waiters.push(waiter);
      if (Number.isFinite(timeoutSeconds)) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(null);
        }, timeoutSeconds * 1000);
      }
    });
  }

  /** True when no task is queued, running, or finished and not yet returned by wait(). */
  empty(): boolean {
    return this.unfinished.size === 0 && this.finished.length === this.finishedHead;
  }

  /** Cancels a task that has not finished; its worker stops it. Returns false if there is no such task. */
  cancel(id: number): boolean {
    const t = this.unfinished.get(id);
    if (!t) return false;
    const link = this.linkOf(t);
    if (link) link.conn.send({ type: 'cancel', id });
    this.finish(t, 'cancelled', null);
    return true;
  }

  /** Sets a tunable (see Tunables for the names); unknown names and bad values throw. */
  tune(name: string, value: unknown): void {
    this.tunables.set(name, value);
    this.scheduleDispatch();
  }

  status(): ManagerStatus {
    const tasks = { preparing: 0, waiting: 0, running: 0, retrieved: this.retrieved, done: this.doneCount };
    for (const t of this.unfinished.values()) {
      if (t.state === 'preparing') tasks.preparing++;
      else if (t.state === 'waiting') tasks.waiting++;
      else if (t.state === 'running') tasks.running++;
    }
    return {
      name: this.name,
      port: this.port,
      workers: this.linkList.map((w) => ({
        id: w.id, name: w.name, host: w.info.host, pid: w.info.pid, resources: { ...w.total }, inUse: { ...w.used },
        running: w.assigned.size - w.backlog.length, queuedOnWorker: w.backlog.length, tasksDone: w.tasksDone,
        connectedAt: w.connectedAt,
      })),
      tasks,
    };
  }

  /** Stops accepting work, fails what is unfinished as cancelled, and closes every link. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of [...this.unfinished.values()]) this.finish(t, 'cancelled', null, 'the manager was closed');
    for (const w of this.linkList) w.conn.close('the manager is shutting down');
    for (const c of this.pendingConns) c.close('the manager is shutting down');
    for (const resolve of this.waiters) resolve(null);
    this.waiters = [];
    if (this.embeddedStop) await this.embeddedStop();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    if (this.listeners.length) this.emit({ type: 'manager-end', time: Date.now() / 1000 });
  }

  // ---- admission -------------------------------------------------------------------------------------

  private admit(task: Task): void {
    if (this.closed) throw new OptionError('Manager: the manager is closed; create a new one to submit tasks');
    if (task.state !== 'new') throw new OptionError(`Manager: task ${task.id} was already submitted`);
    if (task instanceof FunctionTask) task.argBytes = task.encodeArgs();
    else if (task instanceof CommandTask) task.inputHashes = task.inputs.map((i) => this.files.add(i.localPath));
    task.id = this.nextTaskId++;
    task.times.submitted = Date.now() / 1000;
    this.unfinished.set(task.id, task);
    this.updateRefs();
    if (task instanceof FunctionTask && !task.shipment.ready) {
      task.state = 'preparing';
      task.shipment.bundle().then(
        () => { if (task.state === 'preparing') this.enqueue(task); },
        (err: Error) => this.finish(task, 'environment-failure', err),
      );
      return;
    }
    this.enqueue(task);
  }

  private enqueue(t: Task): void {
    t.state = 'waiting';
    if (this.listeners.length) this.emitTask(t);
    this.queue.push(t);
    this.scheduleDispatch();
  }

  // ---- dispatch --------------------------------------------------------------------------------------

  private scheduleDispatch(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    // A microtask: every task submitted in the current run of application code goes out in one pass.
    queueMicrotask(() => {
      this.dispatchQueued = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.linkList.length === 0 || this.queue.size === 0) return;
    const links = this.linkList;
    this.queue.drain((t) => {
      if (t.state !== 'waiting') return 'drop';
      const need = t.resources;
      for (const w of links) {
        if (w.fitsNow(need) && w.hasTimeFor(t.wallTime)) {
          w.reserve(t);
          this.send(w, t);
          return 'placed';
        }
      }
      const mean = this.shortTaskMean(t);
      if (mean !== null) {
        let best: WorkerLink | null = null;
        for (const w of links) {
          if (w.backlog.length < this.tunables.prefetchFor(w.total.cores, mean) && w.fitsAtAll(need) && w.hasTimeFor(t.wallTime) &&
            (!best || w.backlog.length < best.backlog.length)) best = w;
        }
        if (best) {
          best.queueAhead(t);
          this.send(best, t);
          return 'placed';
        }
      }
      if (!links.some((w) => w.fitsAtAll(need))) this.warnUnplaceable(t);
      return 'skip';
    }, this.tunables.values['max-skips']);
  }

  /** Only short tasks are queued on a busy worker ahead of time: it hides the round trip without
   * parking long tasks behind each other while another worker may free up. Returns their mean time. */
  private shortTaskMean(t: Task): number | null {
    const s = this.execMean.get(t.category);
    return s !== undefined && s.n >= 3 && s.mean <= this.tunables.values['short-task-seconds'] ? s.mean : null;
  }

  private warned = new Set<number>();
  private warnUnplaceable(t: Task): void {
    if (this.warned.has(t.id)) return;
    this.warned.add(t.id);
    this.log(`trellis manager: task ${t.id} needs ${formatResources(t.resources)}, more than any connected worker has; ` +
      'it waits for a larger worker');
  }

  private send(w: WorkerLink, t: Task): void {
    t.state = 'running';
    t.worker = w.name;
    t.times.dispatched = Date.now() / 1000;
    this.linkOfTask.set(t, w);
    if (this.listeners.length) this.emitTask(t);
    if (t instanceof FunctionTask) {
      const b = t.shipment.ready!;
      if (!w.envs.has(b.hash)) {
        w.conn.send({ type: 'env', hash: b.hash, code: b.code });
        w.envs.add(b.hash);
      }
      w.conn.send({ type: 'task', kind: 'function', id: t.id, env: b.hash, exportName: b.exportName, args: t.argBytes!,
        resources: t.resources, wallTime: t.wallTime });
    } else if (t instanceof CommandTask) {
      t.inputHashes.forEach((hash) => {
        if (w.files.has(hash)) return;
        w.conn.send({ type: 'file', hash, data: this.files.get(hash)! });
        w.files.add(hash);
      });
      w.conn.send({ type: 'task', kind: 'command', id: t.id, command: t.command, env: t.env,
        inputs: t.inputs.map((i, k) => ({ hash: t.inputHashes[k], name: i.name })), outputs: t.outputs.map((o) => o.name),
        resources: t.resources, wallTime: t.wallTime });
    }
  }

  private readonly linkOfTask = new WeakMap<Task, WorkerLink>();
  private linkOf(t: Task): WorkerLink | null {
    const w = this.linkOfTask.get(t);
    return w && t.state === 'running' && w.assigned.get(t.id) === t ? w : null;
  }

  // ---- results ---------------------------------------------------------------------------------------

  private onResult(w: WorkerLink, r: TaskResult): void {
    const t = w.assigned.get(r.id);
    if (!t) return; // a stale report (task cancelled and already released, or from before a reconnect)
    w.release(t);
    w.tasksDone++;
    this.scheduleDispatch();
    if (t.state === 'done') return; // cancelled while it ran: the worker's report only frees its room
    this.noteExecTime(t.category, r.finished - r.started);
    t.absorb(r);
    if (t instanceof CommandTask && r.outcome === 'success' && r.outputs?.length) {
      this.writeOutputs(t, r).then(() => this.finish(t, t.result!, t.error),
        (err: Error) => this.finish(t, 'output-missing', err));
      return;
    }
    this.finish(t, r.outcome, t.error);
  }

  private async writeOutputs(t: CommandTask, r: TaskResult): Promise<void> {
    for (const out of r.outputs!) {
      const dest = t.outputs.find((o) => o.name === out.name);
      if (!dest) continue;
      try {
        await mkdir(dirname(dest.localPath), { recursive: true });
        await writeFile(dest.localPath, out.data);
      } catch (err) {
        throw new Error(`output "${out.name}" could not be written to "${dest.localPath}": ${(err as Error).message}`);
      }
    }
  }

  private noteExecTime(category: string, seconds: number): void {
    const s = this.execMean.get(category);
    if (!s) this.execMean.set(category, { mean: seconds, n: 1 });
    else {
      s.n++;
      s.mean += (seconds - s.mean) / Math.min(s.n, 20); // a running mean that follows drift after 20 tasks
    }
  }

  private finish(t: Task, result: Task['result'], error: Error | null, detail?: string): void {
    if (t.state === 'done') return;
    t.state = 'done';
    t.result = result;
    if (error) t.error = error;
    else if (detail && result !== 'success') t.error = new Error(detail);
    if (!t.times.finished) t.times.finished = Date.now() / 1000;
    this.unfinished.delete(t.id);
    this.doneCount++;
    if (this.listeners.length) this.emitTask(t);
    this.updateRefs();
    if (t.onDone) {
      const cb = t.onDone;
      t.onDone = null;
      cb(t);
      return;
    }
    this.submittedOpen--;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.retrieved++;
      waiter(t);
    } else this.finished.push(t);
  }

  private emitTask(t: Task): void {
    const e: ManagerEvent = { type: 'task', time: Date.now() / 1000, id: t.id, category: t.category,
      state: t.state as 'waiting' | 'running' | 'done', allocation: t.resources };
    if (t.worker) e.worker = t.worker;
    if (t.state === 'done') {
      e.result = t.result ?? undefined;
      if (t.times.started) e.measured = { wallTime: t.executionTime };
    }
    this.emit(e);
  }

  private takeFinished(): Task | null {
    if (this.finishedHead >= this.finished.length) return null;
    const t = this.finished[this.finishedHead];
    (this.finished as (Task | undefined)[])[this.finishedHead++] = undefined;
    this.retrieved++;
    if (this.finishedHead === this.finished.length) {
      this.finished.length = 0;
      this.finishedHead = 0;
    }
    return t;
  }

  // ---- workers ---------------------------------------------------------------------------------------

  private accept(socket: Socket): void {
    const conn = new Connection(socket, { role: 'manager', password: this.password, log: this.log,
      keepaliveInterval: this.tunables.values['keepalive-interval'], keepaliveTimeout: this.tunables.values['keepalive-timeout'] });
    this.pendingConns.add(conn);
    conn.setRef(this.refd);
    let link: WorkerLink | null = null;
    conn.onMessage = (msg: AnyMessage) => {
      if (conn.peerHello?.role === 'status') {
        if (msg.type !== 'status-request') return conn.fail(`bad frame: a status client may only send "status-request", got "${msg.type}"`);
        conn.send({ type: 'status-reply', status: this.status() });
        return;
      }
      if (link) {
        if (msg.type !== 'result') return conn.fail(`bad frame: a worker may not send "${msg.type}" here`);
        const problem = resultProblem(msg);
        if (problem) return conn.fail(`bad frame: ${problem}`);
        this.onResult(link, msg);
        return;
      }
      if (msg.type !== 'announce') return conn.fail(`bad frame: expected "announce" first, got "${msg.type}"`);
      const problem = announceProblem(msg);
      if (problem) return conn.fail(`bad frame: ${problem}`);
      link = this.addLink(conn, msg);
    };
    conn.onClose = (reason) => {
      this.pendingConns.delete(conn);
      if (link) this.dropLink(link, reason);
    };
  }

  private addLink(conn: Connection, a: Announce): WorkerLink {
    this.pendingConns.delete(conn);
    const w = new WorkerLink(this.nextWorkerId++, conn, a);
    this.links.set(w.id, w);
    this.linkList = [...this.links.values()];
    this.log(`trellis manager: worker ${w.name} (${a.host} pid ${a.pid}) connected with ${formatResources(w.total)}`);
    if (this.listeners.length) this.emit({ type: 'worker-connect', time: Date.now() / 1000, worker: infoOf(w) });
    this.scheduleDispatch();
    return w;
  }

  private dropLink(w: WorkerLink, reason: string): void {
    this.links.delete(w.id);
    this.linkList = [...this.links.values()];
    let requeued = 0;
    for (const t of w.assigned.values()) {
      if (t.state === 'done') continue;
      t.lostCount++;
      if (t.lostCount > t.retries) {
        this.finish(t, 'max-retries', null, `its worker was lost ${t.lostCount} times (retries: ${t.retries}); last: ${w.name}: ${reason}`);
      } else {
        t.state = 'waiting';
        this.queue.unshift(t);
        requeued++;
      }
    }
    w.assigned.clear();
    if (!this.closed) {
      this.log(`trellis manager: worker ${w.name} disconnected (${reason}); ${requeued} task(s) back in the queue`);
    }
    if (this.listeners.length) this.emit({ type: 'worker-disconnect', time: Date.now() / 1000, worker: infoOf(w), reason, requeued });
    this.scheduleDispatch();
  }

  /** Sockets keep the process alive only while tasks are unfinished, so an application exits when done. */
  private updateRefs(): void {
    const want = this.unfinished.size > 0;
    if (want === this.refd) return;
    this.refd = want;
    if (want) this.server?.ref(); else this.server?.unref();
    for (const w of this.linkList) w.conn.setRef(want);
    for (const c of this.pendingConns) c.setRef(want);
  }
}

function infoOf(w: WorkerLink): WorkerInfo {
  return { id: w.id, name: w.name, host: w.info.host, pid: w.info.pid, resources: { ...w.total } };
}

function failureOf(t: Task, what: string): Error {
  const err = new TaskFailedError(t, what, t.error?.message);
  if (t.error) (err as { cause?: unknown }).cause = t.error;
  return err;
}
