// A worker: connects to a manager, announces its resources, and runs the tasks it is sent — function calls
// in warm threads, commands as processes — never more at once than its cores, memory, disk and gpus allow.
import { availableParallelism, hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { Connection } from '../protocol/connection.js';
import { dial, clientUsesTls, type ClientTls } from '../protocol/dial.js';
import { REFUSAL_CODES, type FatalCode } from '../protocol/messages.js';
import type { AnyMessage, ResourceAmounts, TaskSpec, TaskResult, FunctionTaskSpec } from '../protocol/messages.js';
import { encodeError } from '../protocol/payload.js';
import { fitsWithin, addTo, formatResources, sameResources } from '../protocol/resources.js';
import { detectResources } from './machine-resources.js';
import { ContentCache } from './content-cache.js';
import { BundleStore } from './bundle-store.js';
import { EnvironmentFetch } from './environment-fetch.js';
import { envFilesProblem } from '../protocol/environment-files.js';
import { FunctionPool } from './function-pool.js';
import type { CommandReport } from './command-runner.js';
import { CommandHost } from './command-host-client.js';
import { GpuSlots } from './gpu-slots.js';
import { CallAbort } from './call-abort.js';
import { oversize } from '../protocol/frame-limit.js';
import { collectGarbage, LARGE_VALUE_BYTES } from './collect-garbage.js';

export interface WorkerOptions {
  host: string;
  port: number;
  password?: string | null;
  /** TLS settings (PEM): `ca` to verify the manager's certificate, `cert`/`key` for a client certificate. TLS is
   * used whenever a password is set, unless insecurePlaintext. */
  tls?: ClientTls;
  /** Plain TCP: only for a manager started with insecurePlaintext. */
  insecurePlaintext?: boolean;
  cores?: number;
  memory?: number;
  disk?: number;
  gpus?: number;
  /** Seconds this worker lives; the manager sends it no task that needs longer than what is left. */
  wallTime?: number | null;
  /** Seconds without any task after which the worker exits. */
  idleTimeout?: number | null;
  /** Seconds to keep trying to reach the manager (at start and after losing it). */
  connectTimeout?: number;
  cacheDir?: string;
  /** MB of environments kept in the cache directory; past it the least recently used go. Default: no cap. */
  cacheSize?: number | null;
  /** Environments used in the last this many seconds (by any process) are kept past the cap. Default 60. */
  cacheMinIdle?: number;
  name?: string;
  /** False: return from run() when the manager link closes instead of reconnecting (workers found by name
   * look for another manager). Default true. */
  reconnect?: boolean;
  /** Runs inside the application (Manager.local): never keeps the process alive, stops when the link ends. */
  embedded?: boolean;
  log?: ((line: string) => void) | false;
  /** Told after each failed attempt to reach the manager, while it keeps trying (the CLI draws a status line). */
  onConnectRetry?: (retry: ConnectRetry) => void;
}

export interface ConnectRetry {
  address: string;
  /** Why the last attempt failed, e.g. "connect ECONNREFUSED 127.0.0.1:9999". */
  error: string;
  /** Seconds since the worker started trying, and how long it will. */
  elapsed: number;
  limit: number;
}

/** Tasks started together: one command, one function call, or several short calls run one after another in
 * one thread (they hold one task's resources, since they never run at the same time). */
interface Batch {
  specs: TaskSpec[];
  abort: CallAbort;
  timer: NodeJS.Timeout | null;
  gpuIds: number[] | null;
  /** Calls cancelled while their batch ran: reported as cancelled when it returns (made on the first). */
  cancelled: Set<number> | null;
}

/** Most calls sent to a thread in one job, and the longest a job of short calls should take. */
const MAX_BATCH = 256;
const BATCH_SECONDS = 0.002;
/** Calls shorter than this on average are measured without watching garbage collections (it costs more). */
const GC_WATCH_SECONDS = 0.001;

/** Results smaller than this always fit in a frame: only larger ones are measured against it. */
const CHECKED_RESULT_BYTES = 256 * 1024;

/** Thrown when the manager refuses this worker for good (wrong password, protocol mismatch). */
export class WorkerRefusedError extends Error {
  code = 'TRELLIS_REFUSED';
}

export class Worker {
  readonly resources: ResourceAmounts;
  readonly name: string;
  private readonly used: ResourceAmounts = { cores: 0, memory: 0, disk: 0, gpus: 0 };
  private readonly queue: TaskSpec[] = [];
  private readonly running = new Map<number, Batch>();
  /** Mean seconds per call of each environment's function, to size batches of short calls. */
  private readonly callSeconds = new Map<string, number>();
  /** Calls to run alone: their batch crashed its thread, so each is tried by itself. */
  private readonly alone = new Set<number>();
  private readonly envs: BundleStore;
  /** Tasks waiting for an environment the worker asked the manager for again. */
  private readonly fetch: EnvironmentFetch;
  private readonly files: ContentCache;
  private readonly sandboxRoot: string;
  private readonly gpus: GpuSlots;
  private readonly log: (line: string) => void;
  private readonly startedAt = Date.now();
  private pool: FunctionPool | null = null;
  /** Command hosts, one per core this machine has (up to the worker's cores): forks go on in parallel. */
  private readonly commands: CommandHost[];
  private conn: Connection | null = null;
  private stopping: string | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private wakeStop: (() => void) | null = null;
  private collectQueued = false;
  /** The journal id of the manager on the current link (null: not journaled). */
  private session: string | null = null;
  /** Tasks stopped because a restarted manager did not adopt them: their end is reported to nobody. */
  private readonly disowned = new Set<number>();
  /** Set while this worker keeps a lost journaled manager's running tasks: their results wait here until a
   * manager restarted from that journal adopts them. */
  private held: { journal: string; results: TaskResult[] } | null = null;
  tasksDone = 0;

  constructor(private readonly opts: WorkerOptions) {
    const cacheDir = opts.cacheDir ?? join(tmpdir(), `trellis-cache-${safeUser()}`);
    const detected = detectResources(cacheDir);
    this.resources = {
      cores: opts.cores ?? detected.cores,
      memory: opts.memory ?? detected.memory,
      disk: opts.disk ?? detected.disk,
      gpus: opts.gpus ?? detected.gpus,
    };
    this.name = opts.name ?? `${hostname()}:${process.pid}${opts.embedded ? ':local' : ''}`;
    this.envs = new BundleStore({ dir: join(cacheDir, 'envs'), capacityMB: opts.cacheSize, minIdleSeconds: opts.cacheMinIdle });
    this.fetch = new EnvironmentFetch(this.envs, {
      ask: (hash) => this.conn?.send({ type: 'env-request', hash }),
      ready: (specs) => {
        this.queue.unshift(...specs);
        this.pump();
      },
      failed: (specs, message) => {
        const now = Date.now() / 1000;
        for (const spec of specs) this.report(spec, { outcome: 'environment-failure', error: encodeError(new Error(message)) }, now, now, null);
      },
      log: (line) => this.log(line),
    });
    this.files = new ContentCache(join(cacheDir, 'files'));
    this.sandboxRoot = join(cacheDir, 'sandboxes', `${process.pid}-${Date.now().toString(36)}`);
    this.gpus = new GpuSlots(this.resources.gpus);
    const hosts = Math.max(1, Math.min(Math.ceil(this.resources.cores), availableParallelism()));
    this.commands = Array.from({ length: hosts }, () => new CommandHost(this.sandboxRoot, this.files.dir));
    this.log = opts.log === false ? () => {} : opts.log ?? ((line) => console.error(line));
  }

  /** Serves until stopped, idle, out of wall time, or the manager is gone; resolves with the reason. */
  async run(): Promise<string> {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(this.sandboxRoot, { recursive: true });
    this.pool = new FunctionPool(this.resources.cores);
    let wallTimer: NodeJS.Timeout | null = null;
    if (this.opts.wallTime != null) {
      wallTimer = setTimeout(() => this.stop('its wall time ended'), this.opts.wallTime * 1000);
      if (this.opts.embedded) wallTimer.unref();
    }
    try {
      this.armIdleTimer();
      while (!this.stopping) {
        const conn = await this.connectWithRetry();
        if (!conn) break;
        const reason = await this.serve(conn);
        // A journaled manager that vanished (not one that said goodbye) may come back and adopt what runs here.
        if (this.session !== null && !this.stopping && !this.opts.embedded && !reason.startsWith('peer closed the link')) this.holdRunning();
        else this.abandonAll();
        this.session = null;
        if (this.stopping) break;
        if (this.opts.embedded || this.opts.reconnect === false) {
          this.stopping = `the manager link closed (${reason})`;
          break;
        }
        this.log(`trellis worker: lost the manager (${reason}); reconnecting`);
      }
      return this.stopping ?? 'stopped';
    } finally {
      if (wallTimer) clearTimeout(wallTimer);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.abandonAll();
      for (const h of this.commands) h.stop();
      await this.pool.close();
      rmSync(this.sandboxRoot, { recursive: true, force: true });
    }
  }

  stop(reason: string): void {
    if (this.stopping) return;
    this.stopping = reason;
    this.conn?.close(`worker stopping: ${reason}`);
    this.wakeStop?.();
  }

  // ---- connection ------------------------------------------------------------------------------------

  private async connectWithRetry(): Promise<Connection | null> {
    const limit = (this.opts.connectTimeout ?? 60) * 1000;
    const start = Date.now();
    const deadline = start + limit;
    let delay = 100;
    let lastError = '';
    while (!this.stopping) {
      const outcome = await this.tryConnect();
      if (outcome instanceof Connection) return outcome;
      if (outcome instanceof WorkerRefusedError) throw outcome;
      lastError = outcome;
      this.opts.onConnectRetry?.({ address: `${this.opts.host}:${this.opts.port}`, error: lastError,
        elapsed: (Date.now() - start) / 1000, limit: limit / 1000 });
      if (Date.now() + delay > deadline) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wakeStop = () => { clearTimeout(t); resolve(); };
      });
      delay = Math.min(delay * 2, 5000);
    }
    if (this.stopping) return null;
    throw new Error(`could not reach the manager at ${this.opts.host}:${this.opts.port} within ${limit / 1000} s: ${lastError}`);
  }

  /** One attempt: a ready connection, a refusal, or the reason it failed. */
  private async tryConnect(): Promise<Connection | WorkerRefusedError | string> {
    const o = this.opts;
    const tls = clientUsesTls(o.password, o.tls, o.insecurePlaintext) ? o.tls ?? {} : null;
    let socket;
    try {
      socket = await dial({ host: o.host, port: o.port, tls });
    } catch (err) {
      return (err as Error).message;
    }
    if (o.embedded) socket.unref();
    return new Promise((resolve) => {
      const conn = new Connection(socket, { role: 'worker', password: o.password ?? null, log: this.log,
        label: `manager ${o.host}:${o.port}` });
      conn.onReady = () => resolve(conn);
      conn.onClose = (reason, code) => {
        if (code !== null && REFUSAL_CODES.has(code)) resolve(new WorkerRefusedError(refusal(code, reason)));
        else if (!tls && conn.peerHello === null && /during the handshake/.test(reason)) {
          resolve(`${reason} (a manager with a password speaks TLS: ${o.password == null
            ? 'give this worker the password with --password-file' : 'this worker runs with --insecure-plaintext'})`);
        } else resolve(reason);
      };
    });
  }

  private serve(conn: Connection): Promise<string> {
    this.conn = conn;
    if (this.opts.embedded) conn.setRef(false);
    const left = this.opts.wallTime == null ? null : Math.max(0, this.opts.wallTime - (Date.now() - this.startedAt) / 1000);
    const held = this.held ? { journal: this.held.journal, ids: [...this.running.keys(), ...this.held.results.map((r) => r.id)] } : undefined;
    conn.send({ type: 'announce', name: this.name, host: hostname(), pid: process.pid, resources: this.resources, wallTimeLeft: left, held });
    this.log(`trellis worker: connected to ${this.opts.host}:${this.opts.port} as ${this.name} with ${formatResources(this.resources)}`);
    return new Promise((resolve) => {
      conn.onMessage = (msg) => this.onMessage(msg);
      conn.onClose = (reason) => {
        this.conn = null;
        resolve(reason);
      };
    });
  }

  private onMessage(msg: AnyMessage): void {
    switch (msg.type) {
      case 'env': {
        const problem = typeof msg.hash !== 'string' || typeof msg.code !== 'string'
          ? '"env" expects a string hash and code' : envFilesProblem(msg.files);
        if (problem) return this.conn?.fail(`bad frame: ${problem}`);
        return this.fetch.receive(msg.hash, msg.code, () => this.envsInUse(), msg.files,
          (h) => (this.files.has(h) ? this.files.pathOf(h) : null));
      }
      case 'file': {
        const problem = this.files.put(msg.hash, msg.data);
        if (problem) this.log(`trellis worker: refused input file ${msg.hash}: ${problem}`);
        return;
      }
      case 'task': return this.accept(msg);
      case 'cancel': return this.cancel(msg.id);
      case 'shutdown': return this.stop(`the manager asked: ${msg.reason}`);
      case 'session': return this.startSession(msg.journal, msg.adopt);
      default: this.conn?.fail(`bad frame: a manager may not send "${msg.type}"`);
    }
  }

  // ---- tasks -----------------------------------------------------------------------------------------

  private accept(spec: TaskSpec): void {
    if (!fitsWithin(spec.resources, { cores: 0, memory: 0, disk: 0, gpus: 0 }, this.resources)) {
      // The manager packs; this is the worker's own check that it never overcommits.
      const now = Date.now() / 1000;
      this.report(spec, { outcome: 'resource-exhaustion', error: encodeError(new Error(
        `task needs ${formatResources(spec.resources)}, this worker has ${formatResources(this.resources)}`)) }, now, now, null);
      return;
    }
    if (spec.kind === 'function' && this.envs.pathOf(spec.env) === null) return this.fetch.await(spec);
    this.queue.push(spec);
    this.pump();
  }

  /** Environments of tasks queued or running here: never evicted. */
  private envsInUse(): Set<string> {
    const inUse = new Set<string>();
    for (const s of this.queue) if (s.kind === 'function') inUse.add(s.env);
    for (const b of this.running.values()) for (const s of b.specs) if (s.kind === 'function') inUse.add(s.env);
    return inUse;
  }

  /** Starts queued tasks in order while the next one fits. */
  private pump(): void {
    while (this.queue.length > 0 && fitsWithin(this.queue[0].resources, this.used, this.resources)) {
      const head = this.queue.shift()!;
      const batch = [head];
      if (this.batchable(head)) {
        const limit = this.batchLimit(head as FunctionTaskSpec);
        while (batch.length < limit && this.queue.length > 0 && this.batchable(this.queue[0]) &&
          sameResources(this.queue[0].resources, head.resources)) batch.push(this.queue.shift()!);
      }
      this.start(batch);
    }
    this.armIdleTimer();
  }

  private batchable(spec: TaskSpec): boolean {
    return spec.kind === 'function' && spec.wallTime === null && spec.resources.gpus === 0 && !this.alone.has(spec.id);
  }

  /** Shares the queue among the slots free now, and keeps a job of short calls to about BATCH_SECONDS. */
  private batchLimit(head: FunctionTaskSpec): number {
    const mean = this.callSeconds.get(head.env);
    if (mean === undefined) return 1;
    const free = this.resources.cores - this.used.cores;
    const slots = head.resources.cores > 0 ? Math.max(1, Math.floor(free / head.resources.cores)) : MAX_BATCH;
    const share = Math.ceil((this.queue.length + 1) / slots);
    return Math.max(1, Math.min(MAX_BATCH, share, Math.floor(BATCH_SECONDS / Math.max(mean, 1e-7))));
  }

  private start(specs: TaskSpec[]): void {
    const head = specs[0];
    let files: (string | null)[] | null = null;
    if (head.kind === 'function') {
      // Another process on this node may have evicted an environment since the task came.
      files = (specs as FunctionTaskSpec[]).map((s) => this.envs.pathOf(s.env));
      if (files.includes(null)) {
        for (let i = specs.length - 1; i >= 0; i--) {
          if (files[i] === null) this.fetch.await(specs[i] as FunctionTaskSpec);
          else this.queue.unshift(specs[i]);
        }
        return;
      }
    }
    addTo(this.used, head.resources, 1);
    const gpuIds = head.resources.gpus > 0 ? this.gpus.take(head.resources.gpus) : null;
    const abort = new CallAbort();
    let timer: NodeJS.Timeout | null = null;
    if (head.kind === 'function' && head.wallTime !== null) {
      timer = setTimeout(() => abort.abort({ outcome: 'max-wall-time', message: `stopped at its wall time of ${head.wallTime} s` }),
        head.wallTime * 1000);
    }
    const batch: Batch = { specs, abort, timer, gpuIds, cancelled: null };
    for (const s of specs) this.running.set(s.id, batch);
    const started = Date.now() / 1000;
    if (head.kind === 'command') {
      this.leastBusyHost().run(head, gpuIds, abort)
        .catch((err: Error): CommandReport => ({ outcome: 'environment-failure', error: encodeError(err) }))
        .then((report) => this.complete(batch, [{ ...report, started, finished: Date.now() / 1000 }]));
      return;
    }
    const calls = (specs as FunctionTaskSpec[]).map((s, i) => {
      this.envs.use(s.env);
      return { file: files![i]!, exportName: s.exportName, args: s.args, gpuIds };
    });
    const work = this.pool!.run(calls, head.resources.memory, abort, !((this.callSeconds.get(head.env) ?? 1) < GC_WATCH_SECONDS));
    work.then((res) => {
      if (Array.isArray(res)) return this.complete(batch, res);
      if ((res.outcome === 'thread-crash' || res.outcome === 'resource-exhaustion') && specs.length > 1) return this.retryAlone(batch);
      this.complete(batch, specs.map(() => ({ ...res, started, finished: Date.now() / 1000 })));
    });
  }

  /** Each host starts one command at a time: a new one goes to the host with the fewest running. */
  private leastBusyHost(): CommandHost {
    let best = this.commands[0];
    for (const h of this.commands) if (h.running < best.running) best = h;
    return best;
  }

  private complete(batch: Batch, outcomes: (CommandReport & { started: number; finished: number })[]): void {
    this.release(batch);
    batch.specs.forEach((spec, i) => {
      const o = outcomes[i];
      if (spec.kind === 'function' && o.outcome !== 'environment-failure') {
        const prev = this.callSeconds.get(spec.env);
        const took = o.finished - o.started;
        this.callSeconds.set(spec.env, prev === undefined ? took : prev * 0.9 + took * 0.1);
      }
      if (spec.kind === 'function' && o.outcome === 'environment-failure' && this.fetch.vanished(spec.env, o.error?.code)) {
        return this.fetch.await(spec); // evicted by another process on the node just before a thread loaded it
      }
      this.tasksDone++;
      if (batch.cancelled?.has(spec.id)) this.report(spec, { outcome: 'cancelled' }, o.started, o.finished, null, true);
      else this.report(spec, o, o.started, o.finished, batch.gpuIds, true);
    });
    // Nothing else running: no other result can share the write, so it goes now rather than a turn later.
    if (this.running.size === 0) this.conn?.flush();
    else this.conn?.flushSoon();
    this.pump();
  }

  /** One call of a batch killed the thread: run each again by itself, so only that one fails. */
  private retryAlone(batch: Batch): void {
    this.release(batch);
    for (const s of batch.specs) this.alone.add(s.id);
    this.queue.unshift(...batch.specs);
    this.pump();
  }

  private release(batch: Batch): void {
    for (const s of batch.specs) this.running.delete(s.id);
    if (batch.timer) clearTimeout(batch.timer);
    if (batch.gpuIds) this.gpus.give(batch.gpuIds);
    addTo(this.used, batch.specs[0].resources, -1);
  }

  /** Sends a result; `queueOnly` leaves the write to the caller. */
  private report(spec: TaskSpec, report: CommandReport, started: number, finished: number, gpuIds: number[] | null,
    queueOnly = false): void {
    this.alone.delete(spec.id);
    const msg: TaskResult = { type: 'result', id: spec.id, started, finished, ...report };
    if (gpuIds) msg.gpuIds = gpuIds;
    const bytes = resultBytes(msg);
    if (bytes >= CHECKED_RESULT_BYTES) {
      const over = oversize(spec.kind === 'function' ? 'the return value' : "the command's output files, stdout and stderr", bytes);
      if (over) {
        // Refused here, before the wire: the manager would have to drop the whole link for an oversized frame.
        delete msg.value;
        delete msg.outputs;
        msg.stdout = msg.stdout?.slice(0, 4096);
        msg.stderr = msg.stderr?.slice(0, 4096);
        msg.outcome = 'result-too-large';
        msg.error = encodeError(new RangeError(over));
      }
      if (bytes >= LARGE_VALUE_BYTES) this.collectAfterWrite();
    }
    if (this.disowned.delete(spec.id)) return; // a restarted manager did not adopt it: nobody waits for it
    if (this.held) {
      this.held.results.push(msg); // for the journaled manager to adopt when it is back
      return;
    }
    if (queueOnly) this.conn?.queue(msg);
    else this.conn?.send(msg);
  }

  /** After a large result: once it is written, collect its copies (an idle worker runs no collection). */
  private collectAfterWrite(): void {
    if (this.collectQueued) return;
    this.collectQueued = true;
    setImmediate(() => {
      const socket = this.conn?.socket;
      // A turn after the write completes: until then the socket's write request still holds the frame.
      const collect = () => setImmediate(() => {
        this.collectQueued = false;
        collectGarbage();
      });
      if (socket && socket.writableLength > 0) socket.once('drain', collect).once('close', collect);
      else collect();
    });
  }

  private cancel(id: number): void {
    const i = this.queue.findIndex((s) => s.id === id);
    if (i >= 0) {
      const [spec] = this.queue.splice(i, 1);
      const now = Date.now() / 1000;
      this.report(spec, { outcome: 'cancelled' }, now, now, null);
      this.pump();
      return;
    }
    const waiting = this.fetch.take(id);
    if (waiting) {
      const now = Date.now() / 1000;
      return this.report(waiting, { outcome: 'cancelled' }, now, now, null);
    }
    const batch = this.running.get(id);
    if (!batch) return;
    if (batch.specs.length === 1) batch.abort.abort({ outcome: 'cancelled', message: 'cancelled by the manager' });
    else (batch.cancelled ??= new Set()).add(id);
  }

  /** The manager is gone: its tasks will be run elsewhere, so stop them here. */
  private abandonAll(): void {
    this.queue.length = 0;
    this.fetch.clear();
    this.held = null;
    for (const r of this.running.values()) r.abort.abort({ outcome: 'cancelled', message: 'the manager link was lost' });
  }

  /** A journaled manager vanished: running tasks go on, their results wait for it; nothing new starts. */
  private holdRunning(): void {
    this.queue.length = 0;
    this.fetch.clear();
    if (!this.held) this.held = { journal: this.session!, results: [] };
    if (this.running.size > 0 || this.held.results.length > 0) {
      this.log(`trellis worker: keeping ${this.running.size} running task(s) for the journaled manager ${this.session} to adopt`);
    }
  }

  /** The manager's answer to the announce: adopted tasks go on and their waiting results go out; the rest stop. */
  private startSession(journal: string | null, adopt: number[]): void {
    this.session = journal;
    const held = this.held;
    this.held = null;
    if (!held) return;
    const keep = new Set(adopt);
    for (const [id, batch] of this.running) {
      if (keep.has(id)) continue;
      if (batch.specs.length === 1) batch.abort.abort({ outcome: 'cancelled', message: 'not adopted by the restarted manager' });
      else (batch.cancelled ??= new Set()).add(id);
      this.disowned.add(id);
    }
    for (const r of held.results) if (keep.has(r.id)) this.conn?.queue(r);
    this.conn?.flush();
    if (keep.size > 0) this.log(`trellis worker: the restarted manager adopted ${keep.size} task(s)`);
  }

  private armIdleTimer(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    const idle = this.opts.idleTimeout;
    if (idle == null || this.running.size > 0 || this.queue.length > 0 || this.stopping) return;
    this.idleTimer = setTimeout(() => this.stop(`idle for ${idle} s`), idle * 1000);
    if (this.opts.embedded) this.idleTimer.unref();
  }
}

/** What a refusal means for the person running this worker. */
function refusal(code: FatalCode, reason: string): string {
  if (code === 'password-refused') return `the manager refused this worker's password (check --password-file): ${reason}`;
  if (code === 'manager-unproven') return `the manager could not prove it knows the password, so this worker sent it nothing: ${reason}`;
  return reason;
}

/** A result's size on the wire, near enough: its value, files and output text (two bytes a character at worst). */
function resultBytes(r: TaskResult): number {
  let n = r.value?.byteLength ?? 0;
  for (const o of r.outputs ?? []) n += o.data.byteLength;
  return n + 2 * ((r.stdout?.length ?? 0) + (r.stderr?.length ?? 0));
}

function safeUser(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, '_');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
