// The manager as the application sees it: tasks go in through submit() or remote(), finished ones come back
// through wait() or the caller's promise. Placement and the worker links live in a dispatch core, which runs
// in this thread ('inline') or in a dispatcher thread of its own ('thread') so that workers stay fed while
// the application's thread is busy.
import { hostname } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Task, FunctionTask, CommandTask } from './task.js';
import { FileStore } from './file-store.js';
import { TaskFailedError } from './task-failure.js';
import { OptionError, checkKnownKeys, checkNumber, checkObject, checkString, describeValue } from './options.js';
import { Tunables } from './tunables.js';
import { localManagerArgs, type LocalOptions } from './local-pool.js';
import type { ManagerEvent, ManagerEventListener } from './events.js';
import type { ReadyEnvironment } from './function-shipment.js';
import type { ManagerStatus } from './status.js';
import { decodeError } from '../protocol/payload.js';
import type { Core, CoreOptions, CoreTaskRecord, DoneReport } from './core/types.js';
import { InlineCore } from './core/inline-core.js';
import { parseAllocationMode, type AllocationMode } from './allocation/index.js';
import { checkPartial } from './allocation/resources.js';
import { attachTransactionLog } from './logs/transaction-log.js';
import { attachPerformanceLog } from './logs/performance-log.js';
import { startDashboard } from './dashboard/server.js';
import { workersSummary, type WorkersGroup } from './dashboard/workers-summary.js';
import { mapRemote, type MapOptions } from './map.js';
import { ThreadCore } from './core/thread-core.js';
import { linkSecurity } from './link-security.js';
import { oversize } from '../protocol/frame-limit.js';
import { encodeError } from '../protocol/payload.js';
import { Journal } from './journal/journal.js';
import { restoreTasks, type RestoredTasks } from './journal/restore-tasks.js';

/** Arguments or files smaller than this always fit in a frame: only larger ones are checked. */
const LARGE_VALUE_BYTES = 256 * 1024;
import { catalogOption, startCatalogReporter, type CatalogReportOptions, type CatalogReporter } from './catalog/catalog-reporter.js';

export type { ManagerStatus, WorkerStatus } from './status.js';

export interface ManagerOptions {
  /** Address to listen on. Default '0.0.0.0' (all interfaces). */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 9123. */
  port?: number;
  /** Shared secret workers must prove they know. Default: none. With one, links use TLS (see docs/security.md). */
  password?: string | null;
  /** The site's own TLS key and certificate (PEM), and a CA that workers' client certificates must be signed by.
   * Default: a self-signed pair made at start (the password handshake authenticates both ends). */
  tls?: { cert?: string | Buffer; key?: string | Buffer; ca?: string | Buffer };
  /** Plain TCP instead of TLS: what crosses the wire (code, arguments, results) can be read and changed by anyone
   * on the path. The password handshake still runs. */
  insecurePlaintext?: boolean;
  /** Accept workers without a password on a non-loopback address: anyone who reaches the port can run code here. */
  insecureNoPassword?: boolean;
  name?: string;
  /** Where log lines go; false silences them. Default: stderr. */
  log?: ((line: string) => void) | false;
  /** Where sockets and placement run: 'thread' (a dispatcher thread) or 'inline' (this thread). */
  dispatch?: 'thread' | 'inline';
  /** A JSON-lines file of every manager, worker, task and category event (`trellis plot` reads it). */
  transactionLog?: string;
  /** A JSON-lines file with the manager's state every few seconds (path, or { path, interval }). */
  performanceLog?: string | { path: string; interval?: number };
  /** Serve a live dashboard and /metrics on this port (loopback), or { port, host }. */
  dashboard?: number | { port: number; host?: string };
  /** A file recording every task and result, so a manager started again with it after a crash loses nothing
   * finished and re-runs what was not (path, or { path, syncInterval } in seconds; see docs/journal.md). */
  journal?: string | { path: string; syncInterval?: number };
  /** Advertise this manager (its `name` is the project) to a catalog: "HOST:PORT" or { address, password,
   * interval }. Default: TRELLIS_CATALOG (password TRELLIS_CATALOG_PASSWORD) when a name is given. */
  catalog?: string | CatalogReportOptions | null;
}

const MANAGER_OPTION_KEYS = ['host', 'port', 'password', 'name', 'log', 'dispatch', 'transactionLog', 'performanceLog',
  'dashboard', 'tls', 'insecurePlaintext', 'insecureNoPassword', 'journal', 'catalog'] as const;

/** @internal Options only Manager.local() sets. */
export interface ManagerInternals {
  embeddedWorker?: CoreOptions['embeddedWorker'];
}

export class Manager {
  readonly name: string;
  port: number | null = null;
  readonly dispatchMode: 'thread' | 'inline';
  private readonly core: Core;
  private readonly log: (line: string) => void;
  private unfinished = new Map<number, Task>();
  private finished: Task[] = [];
  private finishedHead = 0;
  private waiters: ((t: Task | null) => void)[] = [];
  private submittedOpen = 0;
  private retrieved = 0;
  private reports = 0;
  private nextTaskId = 1;
  private closed = false;
  private closing: Promise<void> | null = null;
  private active = false;
  private readonly journal: Journal | null = null;
  private toHand: Task[] = [];
  private restored: RestoredTasks | null = null;
  private listening: Promise<number> | null = null;
  private readonly files = new FileStore();
  private readonly sentEnvs = new Set<string>();
  private readonly sentFiles = new Set<string>();
  private readonly announcedEnvs = new Set<string>();
  private readonly tunables = new Tunables();
  private listeners: ManagerEventListener[] = [];
  private readonly logs: { close(): Promise<void> }[] = [];
  private readonly dashboardAt: { port: number; host?: string } | null;
  private dashboard: { port: number; url: string; close(): Promise<void> } | null = null;
  private readonly catalogAt: { host: string; options: CatalogReportOptions } | null;
  private catalogReporter: CatalogReporter | null = null;

  constructor(options: ManagerOptions = {}, internals: ManagerInternals = {}) {
    const o = checkObject('new Manager()', options);
    checkKnownKeys('new Manager()', o, MANAGER_OPTION_KEYS);
    const host = o.host === undefined ? '0.0.0.0' : checkString('new Manager()', 'host', o.host);
    const port = o.port === undefined ? 9123 : checkNumber('new Manager()', 'port', o.port, { integer: true });
    if (port > 65535) throw new OptionError(`new Manager(): option "port" expects an integer from 0 to 65535, got ${port}`);
    const password = o.password == null ? null : checkString('new Manager()', 'password', o.password);
    this.name = o.name === undefined ? `trellis@${hostname()}` : checkString('new Manager()', 'name', o.name);
    if (o.log !== undefined && o.log !== false && typeof o.log !== 'function') {
      throw new OptionError(`new Manager(): option "log" expects a function or false, got ${describeValue(o.log)}`);
    }
    if (o.dispatch !== undefined && o.dispatch !== 'thread' && o.dispatch !== 'inline') {
      throw new OptionError(`new Manager(): option "dispatch" expects 'thread' or 'inline', got ${describeValue(o.dispatch)}`);
    }
    this.dispatchMode = (o.dispatch as 'thread' | 'inline' | undefined) ?? 'inline';
    const sink = o.log as ManagerOptions['log'];
    this.log = sink === false ? () => {} : sink ?? ((line: string) => console.error(line));
    const tls = linkSecurity(host, port, password, o, this.log);
    if (o.journal !== undefined) this.journal = this.openJournal(o.journal);
    const coreOptions: CoreOptions = { host, port, password, tls, name: this.name, embeddedWorker: internals.embeddedWorker,
      journal: this.journal?.id ?? null };
    const catalog = catalogOption(o.catalog, o.name !== undefined);
    this.catalogAt = catalog ? { host, options: catalog } : null;
    this.core = this.dispatchMode === 'thread' ? new ThreadCore(coreOptions) : new InlineCore(coreOptions);
    this.core.onDone = (d) => this.onDone(d);
    this.core.onLog = (line) => this.log(line);
    this.core.onEvent = (e) => {
      for (const l of this.listeners) {
        try { l(e); } catch (err) { this.log(`trellis manager: an event listener failed: ${(err as Error).message}`); }
      }
    };
    // Logs attach before listen() so they see the manager start.
    if (o.transactionLog !== undefined) this.logs.push(attachTransactionLog(this, checkString('new Manager()', 'transactionLog', o.transactionLog)));
    if (o.performanceLog !== undefined) {
      const p = typeof o.performanceLog === 'string' ? { path: o.performanceLog } : checkObject('new Manager(): performanceLog', o.performanceLog);
      this.logs.push(attachPerformanceLog(this, checkString('new Manager()', 'performanceLog.path', p.path),
        p.interval === undefined ? undefined : checkNumber('new Manager()', 'performanceLog.interval', p.interval, { min: 0.1 })));
    }
    if (o.dashboard === undefined) this.dashboardAt = null;
    else {
      const d = typeof o.dashboard === 'number' ? { port: o.dashboard } : checkObject('new Manager(): dashboard', o.dashboard);
      this.dashboardAt = { port: checkNumber('new Manager()', 'dashboard.port', d.port, { integer: true }),
        host: d.host === undefined ? undefined : checkString('new Manager()', 'dashboard.host', d.host) };
    }
    this.requeueRestored();
  }

  private openJournal(given: unknown): Journal {
    const j = typeof given === 'string' ? { path: given } : checkObject('new Manager(): journal', given);
    checkKnownKeys('new Manager(): journal', j, ['path', 'syncInterval']);
    const path = checkString('new Manager()', 'journal.path', j.path);
    const syncInterval = j.syncInterval === undefined ? undefined : checkNumber('new Manager()', 'journal.syncInterval', j.syncInterval, { min: 0.001 });
    let opened;
    try {
      opened = Journal.open({ path, syncInterval });
    } catch (err) {
      throw new OptionError(`new Manager(): journal "${path}" cannot be used: ${(err as Error).message}`);
    }
    this.restored = restoreTasks(opened.state, opened.journal.copies, this.files);
    this.nextTaskId = opened.state.maxId + 1;
    return opened.journal;
  }

  /** Queues the unfinished tasks of a journal again and lines up its untaken results for wait(). */
  private requeueRestored(): void {
    const r = this.restored;
    if (!r) return;
    this.restored = null;
    for (const t of r.finished) this.finished.push(t);
    for (const t of r.unfinished) {
      this.unfinished.set(t.id, t);
      this.submittedOpen++;
      this.handOver(t, true);
    }
    this.updateActive();
    if (r.unfinished.length + r.finished.length > 0) {
      this.log(`trellis manager: journal: ${r.unfinished.length} unfinished task(s) queued again, ${r.finished.length} result(s) to hand back`);
    }
  }

  /** A task by id: unfinished, or finished and not yet returned by wait() (after a restart, tasks from the
   * journal are found this way). */
  task(id: number): Task | null {
    const t = this.unfinished.get(id);
    if (t) return t;
    for (let i = this.finishedHead; i < this.finished.length; i++) if (this.finished[i].id === id) return this.finished[i];
    return null;
  }

  /** The live dashboard's address, once listen() has started it. */
  get dashboardUrl(): string | null {
    return this.dashboard?.url ?? null;
  }

  /** fn applied to every input on the workers; results in input order, a progress bar on a terminal. */
  map<I, R>(fn: (input: I) => R, inputs: Iterable<I>, options?: MapOptions): Promise<Awaited<R>[]> {
    return mapRemote(this, fn, inputs, options);
  }

  /** Workers grouped by their resources, largest group first (Work Queue's worker summary). */
  workersSummary(): WorkersGroup[] {
    return workersSummary(this.status());
  }

  /** An embedded pool: a manager on loopback and a worker in this process sized to this machine. */
  static local(options?: LocalOptions): Manager {
    const args = localManagerArgs(options);
    const manager = new Manager(args.options, args.internals);
    void manager.listen();
    return manager;
  }

  /** Starts accepting workers; resolves with the port (useful with port 0). */
  listen(): Promise<number> {
    this.listening ??= this.core.listen().then(async (p) => {
      this.port = p;
      if (this.dashboardAt) this.dashboard = await startDashboard(this, this.dashboardAt.port, this.dashboardAt.host);
      if (this.catalogAt) this.catalogReporter = startCatalogReporter(this, this.catalogAt.host, this.catalogAt.options, this.log);
      return p;
    });
    return this.listening;
  }

  /** Calls `listener` with every event (see ManagerEvent); returns a function that stops it. */
  onEvent(listener: ManagerEventListener): () => void {
    this.listeners.push(listener);
    this.core.setEventsWanted(true);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
      this.core.setEventsWanted(this.listeners.length > 0);
    };
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
  async wait(timeoutSeconds = Infinity): Promise<Task | null> {
    checkNumber('Manager.wait', 'timeoutSeconds', timeoutSeconds, { allowInfinity: true });
    if (this.tunables.values['wait-retrieve-many'] && this.finishedHead < this.finished.length) {
      // Work Queue's wait_retrieve_many: take in every result that is already here (and so dispatch into the
      // room they free) before handing one back to the application.
      for (let seen = -1; seen !== this.reports;) {
        seen = this.reports;
        await nextTurn();
      }
    }
    const ready = this.takeFinished();
    if (ready || this.submittedOpen === 0) return ready;
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
    if (t.state !== 'preparing') this.core.cancel(id);
    this.finish(t, 'cancelled');
    return true;
  }

  /** Sets a tunable (names in lib/tunables.ts and the README); unknown names and bad values throw. */
  tune(name: string, value: unknown): void {
    this.tunables.set(name, value);
    this.core.tune(name, value);
  }

  /** How tasks of a category are sized: fixed, max, min-waste, max-throughput, greedy-bucketing,
   * exhaustive-bucketing or cost-bucketing (see the README's allocation section). */
  setCategoryMode(category: string, mode: AllocationMode): void {
    checkString('Manager.setCategoryMode', 'category', category);
    this.core.setCategory(category, 'mode', asOptionError(() => parseAllocationMode(mode, 'Manager.setCategoryMode: mode')));
  }

  /** The most a task of the category may be given; a task needing more fails instead of growing. */
  setCategoryMaxResources(category: string, max: Partial<Record<'cores' | 'memory' | 'disk' | 'gpus' | 'wallTime', number>>): void {
    checkString('Manager.setCategoryMaxResources', 'category', category);
    this.core.setCategory(category, 'max', asOptionError(() => ({ ...checkPartial('Manager.setCategoryMaxResources: max', max) })));
  }

  /** The allocation of the category's first tasks (in mode fixed: of all its tasks that set none). */
  setCategoryFirstAllocation(category: string, first: Partial<Record<'cores' | 'memory' | 'disk' | 'gpus' | 'wallTime', number>>): void {
    checkString('Manager.setCategoryFirstAllocation', 'category', category);
    this.core.setCategory(category, 'first', asOptionError(() => ({ ...checkPartial('Manager.setCategoryFirstAllocation: first', first) })));
  }

  status(): ManagerStatus {
    const s = this.core.status();
    let preparing = 0;
    for (const t of this.unfinished.values()) if (t.state === 'preparing') preparing++;
    return { ...s, name: this.name, port: this.port, dispatch: this.dispatchMode, tasks: { ...s.tasks, preparing, retrieved: this.retrieved } };
  }

  /** Stops accepting work, fails what is unfinished as cancelled, tells workers to stop their tasks and closes
   * every link. Always settles, in bounded time (a worker that does not answer is cut off). */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    // One pass with one shared error: a million queued tasks end in a fraction of a second.
    const why = new Error('the manager was closed');
    const at = Date.now() / 1000;
    const tasks = this.unfinished;
    this.unfinished = new Map();
    for (const t of tasks.values()) {
      if (t.state === 'done') continue;
      t.state = 'done';
      t.result = 'cancelled';
      t.error ??= why;
      t.times.finished ||= at;
      this.handBack(t);
    }
    for (const resolve of this.waiters) resolve(null);
    this.waiters = [];
    this.updateActive();
    await this.catalogReporter?.stop();
    await this.core.close();
    // Unfinished tasks stay unfinished in the journal: a manager started again with it runs them.
    this.journal?.close();
    await Promise.all([...this.logs.map((l) => l.close()), this.dashboard?.close()]);
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
    this.updateActive();
    const tooLarge = this.tooLarge(task);
    if (tooLarge) {
      this.finish(task, 'result-too-large', undefined, new RangeError(tooLarge));
      return;
    }
    if (task instanceof FunctionTask && !task.shipment.ready) {
      task.state = 'preparing';
      task.shipment.bundle().then(
        (env) => {
          this.announceEnvironment(task.shipment.name, env);
          if (task.state === 'preparing') this.handOver(task);
        },
        (err: Error) => this.finish(task, 'environment-failure', undefined, err),
      );
      return;
    }
    this.handOver(task);
  }

  /** Why a task's arguments or an input file cannot travel in one message, or null (small ones are not measured). */
  private tooLarge(t: Task): string | null {
    if (t instanceof FunctionTask) return t.argBytes!.byteLength < LARGE_VALUE_BYTES ? null : oversize('the arguments', t.argBytes!.byteLength);
    if (!(t instanceof CommandTask)) return null;
    for (let k = 0; k < t.inputs.length; k++) {
      const data = this.files.get(t.inputHashes[k])!;
      const over = data.byteLength < LARGE_VALUE_BYTES ? null : oversize(`input file "${t.inputs[k].localPath}"`, data.byteLength);
      if (over) return over;
    }
    return null;
  }

  /** Gives a ready task to the core, with its environment or input files the first time they are needed. */
  private handOver(t: Task, journaled = false): void {
    t.state = 'waiting';
    const rec: CoreTaskRecord = { id: t.id, category: t.category, priority: t.priority, resources: t.resources, explicit: t.explicitResources,
      wallTime: t.wallTime, retries: t.retries, wire: null as unknown as CoreTaskRecord['wire'], restored: journaled };
    if (t instanceof FunctionTask) {
      const b = t.shipment.ready!;
      if (!this.sentEnvs.has(b.hash)) {
        for (const f of b.files) {
          if (this.sentFiles.has(f.hash)) continue;
          this.core.addFile(f.hash, b.data.get(f.hash)!);
          this.sentFiles.add(f.hash);
        }
        this.core.addEnv(b.hash, b.code, b.files.map((f) => ({ path: f.path, hash: f.hash, ...(f.executable ? { executable: true } : {}) })));
        this.sentEnvs.add(b.hash);
      }
      rec.wire = { kind: 'function', env: b.hash, exportName: b.exportName, args: t.argBytes! };
      if (this.journal && !journaled) this.journal.submittedFunction(t.id, t.resolvedOptions, b, t.shipment.name, t.argBytes!);
    } else if (t instanceof CommandTask) {
      for (const hash of t.inputHashes) {
        if (this.sentFiles.has(hash)) continue;
        this.core.addFile(hash, this.files.get(hash)!);
        this.sentFiles.add(hash);
      }
      rec.wire = { kind: 'command', command: t.command, env: t.env,
        inputs: t.inputs.map((i, k) => ({ hash: t.inputHashes[k], name: i.name })), outputs: t.outputs };
      if (this.journal && !journaled) {
        this.journal.submittedCommand(t.id, { opts: t.resolvedOptions, command: t.command, env: t.env, outputs: t.outputs,
          inputs: t.inputs.map((i, k) => ({ hash: t.inputHashes[k], name: i.name, localPath: i.localPath })) }, (h) => this.files.get(h)!);
      }
    }
    if (this.port === null) void this.listen();
    this.core.add(rec);
  }

  /** Once per environment: what it carries, and every warning of its analysis, as an event and a log line. */
  private announceEnvironment(name: string, env: ReadyEnvironment): void {
    if (this.announcedEnvs.has(env.hash)) return;
    this.announcedEnvs.add(env.hash);
    for (const w of env.warnings) this.log(`trellis: remote(${name}): warning: ${w}`);
    const e: ManagerEvent = { type: 'environment', time: Date.now() / 1000, function: name, hash: env.hash,
      files: env.files.length, bytes: Buffer.byteLength(env.code) + env.files.reduce((n, f) => n + f.size, 0), warnings: env.warnings };
    for (const l of this.listeners) {
      try { l(e); } catch (err) { this.log(`trellis manager: an event listener failed: ${(err as Error).message}`); }
    }
  }

  private onDone(d: DoneReport): void {
    this.reports++;
    const t = this.unfinished.get(d.id);
    if (!t) return; // cancelled here already
    t.worker = d.worker;
    t.times.dispatched = d.dispatched;
    t.lostCount = d.lostCount;
    t.allocation = d.allocation;
    t.exhaustions = d.exhaustions;
    if (d.report) t.absorb(d.report);
    this.finish(t, d.result, d.error ? decodeError(d.error).message : undefined, undefined, d);
  }

  private finish(t: Task, result: Task['result'], why?: string, error?: Error, d?: DoneReport): void {
    if (t.state === 'done') return;
    t.state = 'done';
    t.result = result;
    if (error) t.error = error;
    else if (why && !t.error) t.error = new Error(why);
    if (!t.times.finished) t.times.finished = Date.now() / 1000;
    this.unfinished.delete(t.id);
    this.updateActive();
    if (!this.journal) return this.handBack(t);
    this.journal.finished(t.id, d ?? { id: t.id, result: result!, worker: t.worker, dispatched: t.times.dispatched, lostCount: t.lostCount,
      allocation: t.allocation ?? { cores: 0, memory: 0, disk: 0, gpus: 0 }, exhaustions: t.exhaustions,
      error: t.error ? encodeError(t.error) : undefined });
    this.toHand.push(t);
    if (this.toHand.length === 1) queueMicrotask(this.deliver);
  }

  /** With a journal, results of one turn go to the application together, once their records (and the records
   * that the application took them) are in the file: one write for the batch, and none is handed back twice. */
  private readonly deliver = (): void => {
    const batch = this.toHand;
    this.toHand = [];
    let waiting = this.waiters.length;
    for (const t of batch) {
      if (t.onDone) this.journal!.taken(t.id);
      else if (waiting > 0) {
        waiting--;
        this.journal!.taken(t.id);
      }
    }
    this.journal!.writeNow();
    for (const t of batch) this.handBack(t);
  };

  /** A finished task goes to its remote() caller, to a waiting wait(), or to the finished list. */
  private handBack(t: Task): void {
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

  private takeFinished(): Task | null {
    if (this.finishedHead >= this.finished.length) return null;
    const t = this.finished[this.finishedHead];
    (this.finished as (Task | undefined)[])[this.finishedHead++] = undefined;
    this.retrieved++;
    if (this.journal) {
      this.journal.taken(t.id);
      this.journal.writeNow();
    }
    if (this.finishedHead === this.finished.length) {
      this.finished = [];
      this.finishedHead = 0;
    }
    return t;
  }

  /** The core keeps the process alive only while tasks are unfinished, so an application exits when done. */
  private updateActive(): void {
    const want = this.unfinished.size > 0;
    if (want === this.active) return;
    this.active = want;
    this.core.setActive(want);
  }
}

/** Allocation settings throw TypeErrors; the API's bad-option errors are OptionErrors. */
function asOptionError<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new OptionError((err as Error).message);
  }
}

function failureOf(t: Task, what: string): Error {
  const err = new TaskFailedError(t, what, t.error?.message);
  if (t.error) (err as { cause?: unknown }).cause = t.error;
  return err;
}
