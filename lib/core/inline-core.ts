// The dispatch core: accepts workers, keeps the queue, places each task where it fits, takes results back
// and puts a lost worker's tasks back in the queue. It runs wherever it is created: in the application's
// thread, or in a dispatcher thread (dispatch-thread.ts).
import { answerStatusQuery } from '../status-query.js';
import type { Socket } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Connection } from '../../protocol/connection.js';
import type { AnyMessage, Announce, TaskResult } from '../../protocol/messages.js';
import type { EnvFile } from '../../protocol/environment-files.js';
import { encodeError } from '../../protocol/payload.js';
import { TaskQueue } from './task-queue.js';
import { WorkerLink, type CoreTask } from './worker-link.js';
import { formatResources } from '../../protocol/resources.js';
import { Tunables } from '../tunables.js';
import { LinkServer } from './link-server.js';
import { serverCredentials } from './tls-credentials.js';
import { checkResultPayload } from './result-payload.js';
import type { ManagerEvent, WorkerInfo } from '../events.js';
import type { ManagerStatus, TaskListEntry } from '../status.js';
import type { Core, CoreOptions, CoreTaskRecord, DoneReport, FinalResult } from './types.js';
import { startEmbeddedWorker, type EmbeddedWorker } from './embedded-worker.js';
import { Categories, usedAmounts } from './categories.js';
import { UnfitTasks } from './unfit-tasks.js';
import type { AllocationMode, Resources } from '../allocation/index.js';
import type { ResourceAmounts } from '../../protocol/messages.js';

const RESOLVED = Promise.resolve();
/** Bytes a peer may leave unread before it may ask for more (a status reply, an environment again). */
const UNREAD_LIMIT = 64 * 1024 * 1024;
/** How long close() waits for a worker to end its link after the goodbye before cutting it. */
const CLOSE_SECONDS = 2;

export class InlineCore implements Core {
  onDone: (d: DoneReport) => void = () => {};
  onEvent: (e: ManagerEvent) => void = () => {};
  onLog: (line: string) => void = () => {};
  private server: LinkServer | null = null;
  private port: number | null = null;
  private readonly links = new Map<number, WorkerLink>();
  private linkList: WorkerLink[] = [];
  private readonly pendingConns = new Set<Connection>();
  private readonly queue = new TaskQueue<CoreTask>();
  private readonly tasks = new Map<number, CoreTask>();
  private readonly envs = new Map<string, { code: string; files: EnvFile[] }>();
  private readonly files = new Map<string, Uint8Array>();
  private readonly execMean = new Map<string, { mean: number; n: number }>();
  private readonly categories = new Categories();
  /** The last finished tasks, for `trellis status --tasks`. */
  private readonly recent: TaskListEntry[] = [];
  /** Per category: tasks waiting and running, and the latest allocation given. */
  private readonly live = new Map<string, LiveCounts>();
  private readonly tunables = new Tunables();
  private nextWorkerId = 1;
  /** Where the next search for a worker starts, so placements rotate over workers. */
  private rr = 0;
  private rrAhead = 0;
  private dispatchQueued = false;
  private active = false;
  private events = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Restored tasks held back after a restart (see releaseHeld) while the hold is open. */
  private heldBack: CoreTask[] = [];
  private holdOpen = true;
  private holdTimer: NodeJS.Timeout | null = null;
  private doneCount = 0;
  private embedded: EmbeddedWorker | null = null;
  /** Links that were sent something in the current dispatch pass: flushed at its end. */
  private readonly touched = new Set<WorkerLink>();

  /** Tasks no connected worker can hold: they end resource-exhaustion after the "fit-grace" tunable. */
  private readonly unfit = new UnfitTasks({
    grace: () => this.tunables.values['fit-grace'],
    links: () => this.linkList,
    log: (line) => this.onLog(line),
    fail: (t, why) => this.finish(t, 'resource-exhaustion', why),
  });

  constructor(private readonly opts: CoreOptions) {}

  async listen(): Promise<number> {
    if (this.server) return this.port!;
    const credentials = this.opts.tls ? await serverCredentials(this.opts.tls) : null;
    const t = this.tunables.values;
    const server = new LinkServer({ host: this.opts.host, port: this.opts.port, credentials, log: (l) => this.onLog(l),
      maxPending: () => t['max-pending-connections'], handshakeTimeout: () => t['handshake-timeout'],
      onSocket: (socket, authenticated) => this.accept(socket, authenticated) });
    this.server = server;
    this.port = await server.listen();
    if (!this.active) server.server.unref();
    if (this.events) this.onEvent({ type: 'manager-start', time: now(), name: this.opts.name, port: this.port });
    if (this.opts.embeddedWorker) this.startEmbedded(this.port);
    if (this.heldBack.length > 0) {
      this.holdTimer = setTimeout(() => this.releaseHeld(), this.tunables.values['restart-hold'] * 1000);
      this.holdTimer.unref();
    } else this.holdOpen = false;
    return this.port;
  }

  /** The restart hold is over: restored tasks no worker adopted go to the queue. */
  private releaseHeld(): void {
    this.holdOpen = false;
    for (const t of this.heldBack) if (t.state === 'waiting') this.queue.push(t);
    this.heldBack = [];
    this.scheduleDispatch();
  }

  private startEmbedded(port: number): void {
    this.embedded = startEmbeddedWorker({ host: '127.0.0.1', port, password: this.opts.password, embedded: true, connectTimeout: 10,
      insecurePlaintext: this.opts.tls === null, tls: this.opts.tls === null ? undefined : {},
      log: (line: string) => this.onLog(line), ...this.opts.embeddedWorker }, (message) => this.onLog(message));
  }

  addEnv(hash: string, code: string, files: EnvFile[]): void {
    this.envs.set(hash, { code, files });
  }

  addFile(hash: string, data: Uint8Array): void {
    this.files.set(hash, data);
  }

  add(rec: CoreTaskRecord): void {
    // The record becomes the core's task in place: one object per task, not two.
    const t = rec as CoreTask;
    t.state = 'waiting';
    t.lostCount = 0;
    t.worker = null;
    t.dispatched = 0;
    t.exhaustions = 0;
    t.asked = rec.resources;
    t.resources = this.categories.firstAllocation(t.category, t.asked, t.explicit);
    this.tasks.set(t.id, t);
    this.count(t.category, null, 'waiting');
    // Read back from a journal: held back a moment, for the workers that kept running it to report it.
    if (t.restored && !this.opts.embeddedWorker && this.holdOpen) this.heldBack.push(t);
    else this.queue.push(t);
    if (this.events) this.emitTask(t);
    this.scheduleDispatch();
  }

  cancel(id: number): void {
    const t = this.tasks.get(id);
    if (!t) return;
    const w = t.link;
    if (t.state === 'running' && w && w.assigned.get(id) === t) w.conn.send({ type: 'cancel', id });
    this.finish(t, 'cancelled');
  }

  tune(name: string, value: unknown): void {
    this.tunables.set(name, value);
    this.scheduleDispatch();
  }

  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (active) this.server?.server.ref(); else this.server?.server.unref();
    for (const w of this.linkList) w.conn.setRef(active);
    for (const c of this.pendingConns) c.setRef(active);
  }

  setEventsWanted(wanted: boolean): void {
    this.events = wanted;
  }

  status(): ManagerStatus {
    return {
      name: this.opts.name,
      port: this.port,
      dispatch: 'inline',
      workers: this.linkList.map((w) => ({
        id: w.id, name: w.name, host: w.info.host, pid: w.info.pid, resources: { ...w.total }, inUse: { ...w.used },
        running: w.assigned.size - w.backlog.length, queuedOnWorker: w.backlog.length, tasksDone: w.tasksDone,
        connectedAt: w.connectedAt,
      })),
      tasks: { preparing: 0, waiting: sum(this.live, 'waiting'), running: sum(this.live, 'running'), retrieved: 0, done: this.doneCount },
      categories: this.categories.status(this.live),
      warnings: this.unfit.warnings(),
    };
  }

  /** Running tasks (at most 1000) and the last finished ones, for `trellis status --tasks`. */
  taskList(): { running: TaskListEntry[]; recent: TaskListEntry[] } {
    const running: TaskListEntry[] = [];
    for (const t of this.tasks.values()) {
      if (t.state !== 'running') continue;
      running.push({ id: t.id, category: t.category, state: 'running', worker: t.worker, allocation: t.resources, dispatched: t.dispatched });
      if (running.length >= 1000) break;
    }
    return { running, recent: [...this.recent] };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Tells every worker to stop its tasks, says goodbye, and waits (bounded) for the links to end. The
   * application has already ended the tasks, so none is reported one by one: a million queued tasks go at once. */
  private async shutdown(): Promise<void> {
    this.closed = true;
    this.unfit.clear();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.heldBack = [];
    const ending: Promise<void>[] = [];
    for (const w of this.linkList) {
      for (const t of w.assigned.values()) if (t.state === 'running') w.conn.queue({ type: 'cancel', id: t.id });
      ending.push(closeLink(w.conn, 'the manager is shutting down'));
    }
    for (const c of this.pendingConns) ending.push(closeLink(c, 'the manager is shutting down'));
    this.tasks.clear();
    this.queue.clear();
    this.live.clear();
    if (this.embedded) {
      this.embedded.stop('the manager closed');
      ending.push(within(this.embedded.done, CLOSE_SECONDS * 2));
    }
    if (this.server) ending.push(this.server.close());
    await Promise.all(ending);
    if (this.events) this.onEvent({ type: 'manager-end', time: now() });
  }

  // ---- dispatch --------------------------------------------------------------------------------------

  private scheduleDispatch(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    // A microtask: every task added in the current run of code goes out in one pass. A resolved promise's
    // then() rather than queueMicrotask(), which makes an AsyncResource and a bound function per call.
    RESOLVED.then(this.dispatchNow);
  }

  private readonly dispatchNow = (): void => {
    this.dispatchQueued = false;
    this.dispatch();
  };

  private dispatch(): void {
    if (this.linkList.length > 0 && this.queue.size > 0) this.place();
    // Write now rather than at the next turn of the event loop: the application may be about to block it.
    for (const w of this.touched) w.conn.flush();
    this.touched.clear();
  }

  private place(): void {
    const links = this.linkList;
    const n = links.length;
    // Free cores across workers with nothing queued: when a task needs more, skip the search for a free slot.
    let freeCores = 0;
    for (const w of links) if (w.backlog.length === 0) freeCores += w.total.cores - w.used.cores;
    this.queue.drain((t) => {
      if (t.state !== 'waiting') return 'drop';
      const need = t.resources;
      if (need.cores <= freeCores + 1e-9) {
        for (let k = 0; k < n; k++) {
          const w = links[(this.rr + k) % n];
          if (w.fitsNow(need) && w.hasTimeFor(t.wallTime)) {
            this.rr = (this.rr + k + 1) % n;
            freeCores -= need.cores;
            w.reserve(t);
            this.send(w, t);
            return 'placed';
          }
        }
      }
      const mean = this.shortTaskMean(t);
      if (mean !== null) {
        // Round robin over busy workers spreads the queued-ahead tasks evenly.
        for (let k = 0; k < n; k++) {
          const w = links[(this.rrAhead + k) % n];
          if (w.backlog.length < this.tunables.prefetchFor(w.total.cores, mean) && w.fitsAtAll(need) && w.hasTimeFor(t.wallTime)) {
            this.rrAhead = (this.rrAhead + k + 1) % n;
            w.queueAhead(t);
            this.send(w, t);
            return 'placed';
          }
        }
      }
      if (!links.some((w) => w.fitsAtAll(need))) this.unfit.note(t, links);
      return 'skip';
    }, this.tunables.values['max-skips']);
  }

  /** Only short tasks are queued on a busy worker ahead of time: it hides the round trip without
   * parking long tasks behind each other while another worker may free up. Returns their mean time. */
  private shortTaskMean(t: CoreTask): number | null {
    const s = this.execMean.get(t.category);
    return s !== undefined && s.n >= 3 && s.mean <= this.tunables.values['short-task-seconds'] ? s.mean : null;
  }

  /** Queues a task on its worker's link; dispatch() writes every link it touched at the end of its pass. */
  private send(w: WorkerLink, t: CoreTask): void {
    t.state = 'running';
    this.count(t.category, 'waiting', 'running').sample = t.resources;
    t.worker = w.name;
    t.link = w;
    t.dispatched = now();
    this.touched.add(w);
    const wire = t.wire;
    if (wire.kind === 'function') {
      if (!w.envs.has(wire.env)) this.queueEnv(w, wire.env, false);
      w.conn.queue({ type: 'task', kind: 'function', id: t.id, env: wire.env, exportName: wire.exportName, args: wire.args,
        resources: t.resources, wallTime: t.wallTime });
    } else {
      for (const input of wire.inputs) {
        if (w.files.has(input.hash)) continue;
        w.conn.queue({ type: 'file', hash: input.hash, data: this.files.get(input.hash)! });
        w.files.add(input.hash);
      }
      w.conn.queue({ type: 'task', kind: 'command', id: t.id, command: wire.command, env: wire.env, inputs: wire.inputs,
        outputs: wire.outputs.map((o) => o.name), resources: t.resources, wallTime: t.wallTime });
    }
    if (this.events) this.emitTask(t);
  }

  // ---- results ---------------------------------------------------------------------------------------

  private onResult(w: WorkerLink, r: TaskResult): void {
    const t = w.assigned.get(r.id);
    if (!t) return; // a stale report (task cancelled and already released, or from before a reconnect)
    const problem = checkResultPayload(r, t.wire.kind);
    // The link closes: this attempt fails and goes back to the queue like a lost worker's (dropLink).
    if (problem) return w.conn.fail(`bad message: worker ${w.name} sent a bad result: ${problem}`);
    w.release(t);
    w.tasksDone++;
    this.scheduleDispatch();
    if (t.state === 'done') return; // cancelled while it ran: the worker's report only frees its room
    this.noteExecTime(t.category, r.finished - r.started);
    const next = this.categories.record(t.category, r, t.resources, t.explicit);
    if (next !== null && typeof next === 'object') {
      // Over its allocation: try again larger. This does not use the task's retries (those are for lost workers).
      t.exhaustions++;
      t.resources = next;
      this.requeue(t);
      this.onLog(`trellis manager: task ${t.id} (${t.category}) went over its allocation (${r.exhausted!.resource}); ` +
        `retrying with ${formatResources(next)}`);
      return;
    }
    if (typeof next === 'string') {
      this.finish(t, 'resource-exhaustion', next, r);
      return;
    }
    if (t.wire.kind === 'command' && r.outcome === 'success' && r.outputs?.length) {
      const outputs = t.wire.outputs;
      writeOutputs(outputs, r).then(() => this.finish(t, 'success', undefined, r),
        (err: Error) => this.finish(t, 'output-missing', err.message, r));
      return;
    }
    this.finish(t, r.outcome, undefined, r);
  }

  /** Puts a running task back at the front of the queue. */
  private requeue(t: CoreTask): void {
    t.state = 'waiting';
    this.count(t.category, 'running', 'waiting');
    t.link = undefined;
    this.queue.unshift(t);
    if (this.events) this.emitTask(t);
    this.scheduleDispatch();
  }

  /** Moves a task between states in the per-category counts status() reports (kept as tasks move, so
   * status() costs nothing per task). */
  private count(category: string, from: 'waiting' | 'running' | null, to: 'waiting' | 'running' | null): LiveCounts {
    let l = this.live.get(category);
    if (!l) {
      l = { waiting: 0, running: 0, sample: null };
      this.live.set(category, l);
    }
    if (from) l[from]--;
    if (to) l[to]++;
    return l;
  }

  setCategory(name: string, what: 'mode' | 'max' | 'first', value: unknown): void {
    if (what === 'mode') this.categories.setMode(name, value as AllocationMode);
    else if (what === 'max') this.categories.setMax(name, value as Partial<Resources>);
    else this.categories.setFirst(name, value as Partial<Resources>);
    if (this.events) this.onEvent({ type: 'category', time: now(), category: name, mode: this.categories.modeOf(name),
      allocation: this.categories.firstAllocation(name, { cores: 1, memory: 0, disk: 0, gpus: 0 }, {}) });
  }

  private noteExecTime(category: string, seconds: number): void {
    const s = this.execMean.get(category);
    if (!s) this.execMean.set(category, { mean: seconds, n: 1 });
    else {
      s.n++;
      s.mean += (seconds - s.mean) / Math.min(s.n, 20); // a running mean that follows drift after 20 tasks
    }
  }

  private finish(t: CoreTask, result: FinalResult, why?: string, report?: TaskResult): void {
    if (t.state === 'done') return;
    this.count(t.category, t.state, null);
    t.state = 'done';
    this.tasks.delete(t.id);
    this.doneCount++;
    if (report?.outputs) delete report.outputs; // written to their local paths; the application needs no copy
    this.recent.push({ id: t.id, category: t.category, state: 'done', worker: t.worker, allocation: t.resources, dispatched: t.dispatched,
      result, measured: report?.measured ? { wallTime: report.finished - report.started, ...report.measured } : undefined });
    if (this.recent.length > 100) this.recent.shift();
    const d: DoneReport = { id: t.id, result, worker: t.worker, dispatched: t.dispatched, lostCount: t.lostCount,
      allocation: t.resources, exhaustions: t.exhaustions };
    if (report) d.report = report;
    if (why) d.error = encodeError(new Error(why));
    if (this.events) this.emitTask(t, d);
    this.onDone(d);
  }

  private emitTask(t: CoreTask, d?: DoneReport): void {
    const e: ManagerEvent = { type: 'task', time: now(), id: t.id, category: t.category, state: t.state, allocation: t.resources };
    if (t.worker) e.worker = t.worker;
    if (d) {
      e.result = d.result;
      if (d.report) e.measured = { wallTime: d.report.finished - d.report.started, ...usedAmounts(d.report.measured, d.report.finished - d.report.started) };
    }
    this.onEvent(e);
  }

  // ---- workers ---------------------------------------------------------------------------------------

  /** A connection, TLS done: the Connection checks every frame and message (protocol) before onMessage. */
  private accept(socket: Socket, authenticated: () => void): void {
    const t = this.tunables.values;
    const conn = new Connection(socket, { role: 'manager', password: this.opts.password, log: (l) => this.onLog(l),
      keepaliveInterval: t['keepalive-interval'], keepaliveTimeout: t['keepalive-timeout'], handshakeTimeout: t['handshake-timeout'] });
    this.pendingConns.add(conn);
    conn.setRef(this.active);
    conn.onReady = authenticated;
    let link: WorkerLink | null = null;
    conn.onMessage = (msg: AnyMessage) => {
      if (conn.peerHello!.role === 'status') {
        if (msg.type !== 'status-request') return conn.fail(`bad message: a status client may only send "status-request", got "${msg.type}"`);
        // One request at a time: a client that asks again without reading the reply is not answered into memory.
        if (conn.unsentBytes > UNREAD_LIMIT) return conn.fail(`the status client sent another request with ${conn.unsentBytes} bytes of replies unread`, 'too-slow-reader');
        const status = msg.tasks ? { ...this.status(), taskList: this.taskList() } : this.status();
        conn.send({ type: 'status-reply', ...answerStatusQuery(status, msg.where, msg.select) });
        return;
      }
      if (link) {
        if (msg.type === 'result') return this.onResult(link, msg);
        if (msg.type === 'env-request') return this.resendEnv(link, msg.hash);
        return conn.fail(`bad message: worker ${link.name} sent a second "${msg.type}"`);
      }
      if (msg.type !== 'announce') return conn.fail(`bad message: expected "announce" first, got "${msg.type}"`);
      link = this.addLink(conn, msg);
    };
    conn.onClose = (reason) => {
      this.pendingConns.delete(conn);
      if (link) this.dropLink(link, reason);
    };
  }

  /** A worker refused an environment's copy or evicted it: send it once more (it counts its own tries). */
  private resendEnv(w: WorkerLink, hash: unknown): void {
    if (typeof hash !== 'string' || !this.envs.has(hash)) {
      return w.conn.fail(`bad message: "env-request" expects the hash of an environment this manager sent, got ${JSON.stringify(hash)}`);
    }
    if (w.conn.unsentBytes > UNREAD_LIMIT) {
      return w.conn.fail(`worker ${w.name} asks for environments again with ${w.conn.unsentBytes} bytes it has not read yet`, 'too-slow-reader');
    }
    this.queueEnv(w, hash, true);
    w.conn.flush();
  }

  /** Queues an environment's files the worker lacks (all of them when it asked again), then the environment. */
  private queueEnv(w: WorkerLink, hash: string, again: boolean): void {
    const env = this.envs.get(hash)!;
    for (const f of env.files) {
      if (!again && w.files.has(f.hash)) continue;
      w.conn.queue({ type: 'file', hash: f.hash, data: this.files.get(f.hash)! });
      w.files.add(f.hash);
    }
    w.conn.queue({ type: 'env', hash, code: env.code, ...(env.files.length > 0 ? { files: env.files } : {}) });
    w.envs.add(hash);
  }

  private addLink(conn: Connection, a: Announce): WorkerLink {
    this.pendingConns.delete(conn);
    const w = new WorkerLink(this.nextWorkerId++, conn, a);
    // Before any task: the journal id, and which of the tasks the worker kept running are adopted.
    conn.send({ type: 'session', journal: this.opts.journal ?? null, adopt: this.adopt(w, a) });
    this.links.set(w.id, w);
    this.linkList = [...this.links.values()];
    this.noteLargestWorker();
    this.onLog(`trellis manager: worker ${w.name} (${a.host} pid ${a.pid}) connected with ${formatResources(w.total)}`);
    if (this.events) this.onEvent({ type: 'worker-connect', time: now(), worker: infoOf(w) });
    this.scheduleDispatch();
    return w;
  }

  /** Takes over the tasks a worker kept running for this manager's journal; returns their ids. */
  private adopt(w: WorkerLink, a: Announce): number[] {
    const held = a.held;
    if (!held || !this.opts.journal || held.journal !== this.opts.journal) return [];
    const adopted: number[] = [];
    for (const id of held.ids) {
      const t = this.tasks.get(id);
      if (!t || !t.restored || t.state !== 'waiting') continue;
      if (w.fitsNow(t.resources)) w.reserve(t); else w.queueAhead(t);
      t.state = 'running';
      this.count(t.category, 'waiting', 'running').sample = t.resources;
      t.worker = w.name;
      t.link = w;
      t.dispatched = now();
      if (this.events) this.emitTask(t);
      adopted.push(id);
    }
    if (adopted.length > 0) this.onLog(`trellis manager: adopted ${adopted.length} task(s) that worker ${a.name} kept running`);
    return adopted;
  }

  private noteLargestWorker(): void {
    let largest: WorkerLink | null = null;
    for (const w of this.linkList) if (!largest || w.total.cores > largest.total.cores) largest = w;
    this.categories.setLargestWorker(largest ? largest.total : null);
  }

  private dropLink(w: WorkerLink, reason: string): void {
    this.links.delete(w.id);
    this.linkList = [...this.links.values()];
    this.noteLargestWorker();
    let requeued = 0;
    if (this.closed) w.assigned.clear(); // the application has ended them all
    for (const t of w.assigned.values()) {
      if (t.state === 'done') continue;
      t.lostCount++;
      if (t.lostCount > t.retries) {
        this.finish(t, 'max-retries', `its worker was lost ${t.lostCount} times (retries: ${t.retries}); last: ${w.name}: ${reason}`);
      } else {
        this.requeue(t);
        requeued++;
      }
    }
    w.assigned.clear();
    if (!this.closed) this.onLog(`trellis manager: worker ${w.name} disconnected (${reason}); ${requeued} task(s) back in the queue`);
    if (this.events) this.onEvent({ type: 'worker-disconnect', time: now(), worker: infoOf(w), reason, requeued });
    this.scheduleDispatch();
  }
}

async function writeOutputs(outputs: { name: string; localPath: string }[], r: TaskResult): Promise<void> {
  for (const out of r.outputs!) {
    const dest = outputs.find((o) => o.name === out.name);
    if (!dest) continue;
    try {
      await mkdir(dirname(dest.localPath), { recursive: true });
      await writeFile(dest.localPath, out.data);
    } catch (err) {
      throw new Error(`output "${out.name}" could not be written to "${dest.localPath}": ${(err as Error).message}`);
    }
  }
}

interface LiveCounts { waiting: number; running: number; sample: ResourceAmounts | null }

function sum(live: Map<string, LiveCounts>, key: 'waiting' | 'running'): number {
  let n = 0;
  for (const l of live.values()) n += l[key];
  return n;
}

function infoOf(w: WorkerLink): WorkerInfo {
  return { id: w.id, name: w.name, host: w.info.host, pid: w.info.pid, resources: { ...w.total } };
}

function now(): number {
  return Date.now() / 1000;
}

/** Sends the goodbye (and what is queued) and resolves once the socket is gone: at once if the peer ends it,
 * else after CLOSE_SECONDS, cut. The socket and the timer keep the process alive meanwhile. */
function closeLink(conn: Connection, reason: string): Promise<void> {
  const socket = conn.socket;
  conn.setRef(true);
  conn.close(reason);
  if (socket.destroyed) return RESOLVED;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, CLOSE_SECONDS * 1000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves when `p` does or after `seconds`, whichever is first (the timer keeps the process alive). */
function within(p: Promise<void>, seconds: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    p.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
