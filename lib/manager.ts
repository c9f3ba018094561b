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
import { startLocal, type LocalOptions } from './local-pool.js';
import type { ManagerEventListener } from './events.js';
import type { ManagerStatus } from './status.js';
import { decodeError } from './protocol/payload.js';
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
import { catalogOption, startCatalogReporter, type CatalogReportOptions, type CatalogReporter } from './catalog/catalog-reporter.js';

export type { ManagerStatus, WorkerStatus } from './status.js';

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
  /** Where sockets and placement run: 'thread' (a dispatcher thread) or 'inline' (this thread). */
  dispatch?: 'thread' | 'inline';
  /** A JSON-lines file of every manager, worker, task and category event (`trellis plot` reads it). */
  transactionLog?: string;
  /** A JSON-lines file with the manager's state every few seconds (path, or { path, interval }). */
  performanceLog?: string | { path: string; interval?: number };
  /** Serve a live dashboard and /metrics on this port (loopback), or { port, host }. */
  dashboard?: number | { port: number; host?: string };
  /** Advertise this manager (its `name` is the project) to a catalog: "HOST:PORT" or { address, password,
   * interval }. Default: TRELLIS_CATALOG (password TRELLIS_CATALOG_PASSWORD) when a name is given. */
  catalog?: string | CatalogReportOptions | null;
}

const MANAGER_OPTION_KEYS = ['host', 'port', 'password', 'name', 'log', 'dispatch', 'transactionLog', 'performanceLog',
  'dashboard', 'catalog'] as const;

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
  private readonly unfinished = new Map<number, Task>();
  private finished: Task[] = [];
  private finishedHead = 0;
  private waiters: ((t: Task | null) => void)[] = [];
  private submittedOpen = 0;
  private retrieved = 0;
  private reports = 0;
  private nextTaskId = 1;
  private closed = false;
  private active = false;
  private listening: Promise<number> | null = null;
  private readonly files = new FileStore();
  private readonly sentEnvs = new Set<string>();
  private readonly sentFiles = new Set<string>();
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
    const catalog = catalogOption(o.catalog, o.name !== undefined);
    this.catalogAt = catalog ? { host, options: catalog } : null;
    const coreOptions: CoreOptions = { host, port, password, name: this.name, embeddedWorker: internals.embeddedWorker };
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
    return startLocal(options);
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

  /** Stops accepting work, fails what is unfinished as cancelled, and closes every link. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of [...this.unfinished.values()]) this.finish(t, 'cancelled', 'the manager was closed');
    for (const resolve of this.waiters) resolve(null);
    this.waiters = [];
    await this.catalogReporter?.stop();
    await this.core.close();
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
    if (task instanceof FunctionTask && !task.shipment.ready) {
      task.state = 'preparing';
      task.shipment.bundle().then(
        () => { if (task.state === 'preparing') this.handOver(task); },
        (err: Error) => this.finish(task, 'environment-failure', undefined, err),
      );
      return;
    }
    this.handOver(task);
  }

  /** Gives a ready task to the core, with its environment or input files the first time they are needed. */
  private handOver(t: Task): void {
    t.state = 'waiting';
    const rec: CoreTaskRecord = { id: t.id, category: t.category, priority: t.priority, resources: t.resources, explicit: t.explicitResources,
      wallTime: t.wallTime, retries: t.retries, wire: null as unknown as CoreTaskRecord['wire'] };
    if (t instanceof FunctionTask) {
      const b = t.shipment.ready!;
      if (!this.sentEnvs.has(b.hash)) {
        this.core.addEnv(b.hash, b.code);
        this.sentEnvs.add(b.hash);
      }
      rec.wire = { kind: 'function', env: b.hash, exportName: b.exportName, args: t.argBytes! };
    } else if (t instanceof CommandTask) {
      for (const hash of t.inputHashes) {
        if (this.sentFiles.has(hash)) continue;
        this.core.addFile(hash, this.files.get(hash)!);
        this.sentFiles.add(hash);
      }
      rec.wire = { kind: 'command', command: t.command, env: t.env,
        inputs: t.inputs.map((i, k) => ({ hash: t.inputHashes[k], name: i.name })), outputs: t.outputs };
    }
    if (this.port === null) void this.listen();
    this.core.add(rec);
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
    this.finish(t, d.result, d.error ? decodeError(d.error).message : undefined);
  }

  private finish(t: Task, result: Task['result'], why?: string, error?: Error): void {
    if (t.state === 'done') return;
    t.state = 'done';
    t.result = result;
    if (error) t.error = error;
    else if (why && !t.error) t.error = new Error(why);
    if (!t.times.finished) t.times.finished = Date.now() / 1000;
    this.unfinished.delete(t.id);
    this.updateActive();
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
