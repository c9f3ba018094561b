// Replays a trace on N identical workers: tasks queue in trace order, each attempt is placed on the
// first worker where its allocation fits (skipping tasks that fit nowhere yet) and runs for the task's
// wall time. As in Trellis and Work Queue, memory and disk are enforced and cores are not by default: an
// attempt with less of an enforced resource than the task uses fails (after holding its allocation for the
// whole run), one with fewer cores runs slower, its wall time stretched by used cores / allocated cores
// (with cores enforced, as under cgroups, it is an exhaustion instead). A failed attempt is retried per
// the mode, ahead of the tasks not yet started.
//
// Linear in the trace: the waiting tasks are a deque (retries pushed to its front), and a scheduling pass
// stops at the first `maxSkips` tasks that fit nowhere or when every worker is full, so each event costs
// the tasks it starts plus at most `maxSkips`.
import { AUTO_RESOURCES, resources, type AutoResource, type ResourceName, type Resources } from '../resources.js';
import { EfficiencyAccumulator, efficiencyStats, type EfficiencyStats, type TaskRecord } from '../efficiency.js';
import { EventQueue } from './event-queue.js';
import { Deque } from './deque.js';
import { makePolicy, type Policy, type ReplayMode, type WorkerSize } from './policies.js';
import type { CategorySettings } from '../category-allocator.js';
import type { TraceTask } from './trace.js';

/** `queued`: every task waits from time 0; `sequential`: one task at a time, in trace order, retries included. */
export type ReplayOrder = 'queued' | 'sequential';

export interface ReplayOptions {
  mode: ReplayMode;
  workers: number;
  worker: WorkerSize;
  /** Seed of bucketing's random draws (default 1). */
  seed?: number;
  /** Tasks that fit nowhere yet that a pass may skip to start later ones (default 64, as the manager's max-skips). */
  maxSkips?: number;
  /**
   * Feed every task's measurement to its category before the replay: the allocation a mode would reach
   * knowing the whole distribution in advance (a reference for the learning cost, not a real run).
   */
  warmStart?: boolean;
  /** Extra settings of every category's allocator (e.g. `probe`, `first`). */
  settings?: Partial<CategorySettings>;
  /** Default `queued`. */
  order?: ReplayOrder;
  /** The first this many tasks of the trace get a whole worker for their first attempt (default 0). */
  coldStart?: number;
  /** Resources whose overuse stops the attempt (default memory and disk; cores otherwise stretch the wall time). */
  enforce?: readonly AutoResource[];
  /** Keep every task's attempts in the result (default true); false keeps only the figures, for huge traces. */
  keepTasks?: boolean;
}

export interface AttemptTrace {
  allocation: Resources;
  outcome: 'success' | 'exhausted';
  /** Enforced resources (memory, disk) the attempt had less of than the task uses. */
  exhausted: ResourceName[];
  /** How long it held its allocation: the task's wall time × max(1, used cores / allocated cores). */
  duration: number;
  worker: number;
  start: number;
  end: number;
}

export interface ReplayedTask extends TaskRecord {
  task: string;
  category: string;
  attempts: AttemptTrace[];
}

export interface ReplayResult {
  mode: ReplayMode;
  workers: number;
  worker: WorkerSize;
  tasks: ReplayedTask[];
  /** When the last task finished (s). */
  makespan: number;
  stats: EfficiencyStats;
}

interface Pending { trace: TraceTask; record: ReplayedTask; retry: Resources | null; first?: Resources }
interface Running { pending: Pending; attempt: AttemptTrace }

const EPS = 1e-9;

/** The resources enforced by default by stopping the task: memory and disk (cores only slow it down). */
export const ENFORCED: readonly AutoResource[] = ['memory', 'disk'];

function exceeded(used: TraceTask['used'], a: Resources, enforce: readonly AutoResource[]): ResourceName[] {
  return enforce.filter((r) => used[r] > a[r] + EPS);
}

/** Wall time stretch of a task given `allocated` cores when it uses `used`: max(1, used / allocated). */
export function coreStretch(used: number, allocated: number): number {
  if (used <= allocated + EPS) return 1;
  return allocated > 0 ? used / allocated : Infinity;
}

export function replay(trace: readonly TraceTask[], options: ReplayOptions): ReplayResult {
  const { workers, worker } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers: expected an integer >= 1, got ${workers}`);
  const enforce = options.enforce ?? ENFORCED;
  const coresEnforced = enforce.includes('cores');
  const settings: Partial<CategorySettings> = coresEnforced ? { enforceCores: true, ...options.settings } : { ...options.settings };
  const policy: Policy = makePolicy(options.mode, worker, options.seed ?? 1, settings);
  const maxSkips = options.maxSkips ?? 64;
  const sequential = (options.order ?? 'queued') === 'sequential';
  const coldStart = options.coldStart ?? 0;
  if (options.warmStart) for (const t of trace) policy.observe(t, { ...t.used, wallTime: t.wall }, 'success');
  const free: WorkerSize[] = Array.from({ length: workers }, () => ({ ...worker }));
  const events = new EventQueue<Running>();
  const keep = options.keepTasks ?? true;
  const records: ReplayedTask[] = keep ? new Array(trace.length) : [];
  const done = new EfficiencyAccumulator();
  // The waiting tasks: retries and skipped tasks (a deque), then the trace from `next` on, turned into
  // pending tasks only when a pass reaches them, so memory follows the tasks started, not the trace.
  const front = new Deque<Pending>();
  let next = 0;
  const pending = (i: number): Pending => {
    const t = trace[i];
    const record: ReplayedTask = { task: t.task, category: t.category, used: t.used, wall: t.wall, attempts: [] };
    if (keep) records[i] = record;
    return { trace: t, record, retry: i < coldStart ? resources(worker) : null };
  };
  const queue = {
    get length() { return front.length + trace.length - next; },
    shift: (): Pending => (front.length > 0 ? front.shift() as Pending : pending(next++)),
    pushFront: (p: Pending) => front.pushFront(p),
    *[Symbol.iterator]() { yield* front; while (next < trace.length) yield pending(next++); },
  };
  // A task ends when it succeeds or fails for good; without `keepTasks` only its figures stay.
  const ended = (p: Pending) => { if (!keep) done.add(p.record); };
  let now = 0;
  let makespan = 0;
  let running = 0;

  const fits = (a: Resources, w: WorkerSize) => a.cores <= w.cores + EPS && a.memory <= w.memory + EPS && a.disk <= w.disk + EPS;
  const take = (a: Resources, w: WorkerSize, sign: 1 | -1) => { w.cores -= sign * a.cores; w.memory -= sign * a.memory; w.disk -= sign * a.disk; };
  const full = () => free.every((w) => w.cores < 0.01 || w.memory < 1 || w.disk < 0);

  /** Starts p's next attempt if it fits somewhere: 'started', 'skip' (fits nowhere yet) or 'dropped' (never will). */
  const start = (p: Pending): 'started' | 'skip' | 'dropped' => {
    const allocation = p.retry ?? (policy.fixed ? (p.first ??= policy.first(p.trace)) : policy.first(p.trace));
    if (!fits(allocation, worker)) {
      p.record.failure = `asks for more than a worker has (${AUTO_RESOURCES.map((r) => `${r}=${allocation[r]}`).join(' ')})`;
      ended(p);
      return 'dropped';
    }
    const ex = exceeded(p.trace.used, allocation, enforce);
    // An enforced resource stops the attempt; unenforced cores stretch it.
    const stretch = coresEnforced ? 1 : coreStretch(p.trace.used.cores, allocation.cores);
    if (stretch === Infinity) {
      p.record.failure = `cores: allocated 0 to a task that uses ${p.trace.used.cores}; it would never finish`;
      ended(p);
      return 'dropped';
    }
    let w = 0;
    while (w < free.length && !fits(allocation, free[w])) w++;
    if (w === free.length) return 'skip';
    take(allocation, free[w], 1);
    const duration = p.trace.wall * stretch;
    const attempt: AttemptTrace = {
      allocation, outcome: ex.length ? 'exhausted' : 'success', exhausted: ex, duration, worker: w, start: now, end: now + duration,
    };
    p.record.attempts.push(attempt);
    events.push(attempt.end, { pending: p, attempt });
    running++;
    return 'started';
  };

  const schedule = () => {
    if (sequential) {
      while (running === 0 && queue.length > 0) start(queue.shift() as Pending);
      return;
    }
    const skipped: Pending[] = [];
    // Keys of first allocations that fitted nowhere in this pass: nothing frees up or learns during a pass.
    const tooBig = new Set<string>();
    while (queue.length > 0 && skipped.length < maxSkips && !full()) {
      const p = queue.shift() as Pending;
      const key = p.retry ? null : policy.firstKey(p.trace);
      if (key !== null && tooBig.has(key)) { skipped.push(p); continue; }
      if (start(p) === 'skip') {
        skipped.push(p);
        if (key !== null) tooBig.add(key);
      }
    }
    for (let i = skipped.length - 1; i >= 0; i--) queue.pushFront(skipped[i]);
  };

  const finish = ({ pending: p, attempt }: Running, retries: Pending[]) => {
    take(attempt.allocation, free[attempt.worker], -1);
    running--;
    makespan = Math.max(makespan, attempt.end);
    const t = p.trace;
    // What the monitor reports: the attempt's wall time; unenforced cores at the task's real peak
    // (measured, not capped); enforced resources, when exhausted, as stopped where they crossed the
    // allocation, so no more than it.
    if (attempt.outcome === 'success') {
      policy.observe(t, { ...t.used, wallTime: attempt.duration }, 'success');
      ended(p);
      return;
    }
    const seen: Partial<Resources> = { wallTime: attempt.duration, ...t.used };
    for (const r of enforce) seen[r] = Math.min(t.used[r], attempt.allocation[r]);
    policy.observe(t, seen, 'exhausted');
    const next = policy.next(t, attempt.allocation, attempt.exhausted, seen);
    if (next.retry) retries.push({ ...p, retry: next.allocation });
    else { p.record.failure = next.reason; ended(p); }
  };

  schedule();
  while (events.size > 0) {
    now = events.peekTime();
    const retries: Pending[] = [];
    while (events.size > 0 && events.peekTime() === now) finish(events.pop() as Running, retries);
    for (let i = retries.length - 1; i >= 0; i--) queue.pushFront(retries[i]);
    schedule();
  }
  for (const p of queue) { p.record.failure ??= 'never fitted on a worker'; ended(p); }
  return { mode: options.mode, workers, worker, tasks: records, makespan, stats: keep ? efficiencyStats(records) : done.stats() };
}
