// Replays a trace on N identical workers: tasks queue in trace order, each attempt is placed on the
// first worker where its allocation fits (skipping tasks that fit nowhere yet) and runs for the task's
// wall time. As in Trellis and Work Queue, memory and disk are enforced and cores are not: an attempt
// with less memory or disk than the task uses fails (after holding its allocation for the whole run),
// one with fewer cores runs slower, its wall time stretched by used cores / allocated cores. A failed
// attempt is retried per the mode, ahead of the tasks not yet started.
import { AUTO_RESOURCES, type ResourceName, type Resources } from '../resources.js';
import { efficiencyStats, type EfficiencyStats, type TaskRecord } from '../efficiency.js';
import { EventQueue } from './event-queue.js';
import { makePolicy, type Policy, type ReplayMode, type WorkerSize } from './policies.js';
import type { CategorySettings } from '../category-allocator.js';
import type { TraceTask } from './trace.js';

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

interface Pending { trace: TraceTask; record: ReplayedTask; retry: Resources | null }
interface Running { pending: Pending; attempt: AttemptTrace }

const EPS = 1e-9;

/** The resources enforced by killing the task: memory and disk (cores only slow it down). */
export const ENFORCED = ['memory', 'disk'] as const;

function exceeded(used: TraceTask['used'], a: Resources): ResourceName[] {
  return ENFORCED.filter((r) => used[r] > a[r] + EPS);
}

/** Wall time stretch of a task given `allocated` cores when it uses `used`: max(1, used / allocated). */
export function coreStretch(used: number, allocated: number): number {
  if (used <= allocated + EPS) return 1;
  return allocated > 0 ? used / allocated : Infinity;
}

export function replay(trace: readonly TraceTask[], options: ReplayOptions): ReplayResult {
  const { workers, worker } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers: expected an integer >= 1, got ${workers}`);
  const policy: Policy = makePolicy(options.mode, worker, options.seed ?? 1, options.settings);
  const maxSkips = options.maxSkips ?? 64;
  if (options.warmStart) for (const t of trace) policy.observe(t, { ...t.used, wallTime: t.wall }, 'success');
  const free: WorkerSize[] = Array.from({ length: workers }, () => ({ ...worker }));
  const events = new EventQueue<Running>();
  const records: ReplayedTask[] = [];
  let queue: Pending[] = trace.map((t) => {
    const record: ReplayedTask = { task: t.task, category: t.category, used: t.used, wall: t.wall, attempts: [] };
    records.push(record);
    return { trace: t, record, retry: null };
  });
  let now = 0;
  let makespan = 0;

  const fits = (a: Resources, w: WorkerSize) => a.cores <= w.cores + EPS && a.memory <= w.memory + EPS && a.disk <= w.disk + EPS;
  const take = (a: Resources, w: WorkerSize, sign: 1 | -1) => { w.cores -= sign * a.cores; w.memory -= sign * a.memory; w.disk -= sign * a.disk; };
  const full = () => free.every((w) => w.cores < 0.01 || w.memory < 1 || w.disk < 0);

  const schedule = () => {
    const waiting: Pending[] = [];
    let skips = 0;
    for (const p of queue) {
      if (skips >= maxSkips || full()) { waiting.push(p); continue; }
      const allocation = p.retry ?? policy.first(p.trace);
      if (!fits(allocation, worker)) {
        p.record.failure = `asks for more than a worker has (${AUTO_RESOURCES.map((r) => `${r}=${allocation[r]}`).join(' ')})`;
        continue;
      }
      const stretch = coreStretch(p.trace.used.cores, allocation.cores);
      if (stretch === Infinity) {
        p.record.failure = `cores: allocated 0 to a task that uses ${p.trace.used.cores}; it would never finish`;
        continue;
      }
      const w = free.findIndex((f) => fits(allocation, f));
      if (w < 0) { waiting.push(p); skips++; continue; }
      take(allocation, free[w], 1);
      const ex = exceeded(p.trace.used, allocation);
      const duration = p.trace.wall * stretch;
      const attempt: AttemptTrace = {
        allocation, outcome: ex.length ? 'exhausted' : 'success', exhausted: ex, duration, worker: w, start: now, end: now + duration,
      };
      p.record.attempts.push(attempt);
      events.push(attempt.end, { pending: p, attempt });
    }
    queue = waiting;
  };

  const finish = ({ pending: p, attempt }: Running, retries: Pending[]) => {
    take(attempt.allocation, free[attempt.worker], -1);
    makespan = Math.max(makespan, attempt.end);
    const t = p.trace;
    // What the monitor reports: the attempt's wall time; cores at the task's real peak (not enforced,
    // so measured, not capped); memory and disk, when exhausted, as stopped where they crossed the
    // allocation, so no more than it.
    if (attempt.outcome === 'success') {
      policy.observe(t, { ...t.used, wallTime: attempt.duration }, 'success');
      return;
    }
    const seen: Partial<Resources> = { wallTime: attempt.duration, cores: t.used.cores };
    for (const r of ['memory', 'disk'] as const) seen[r] = Math.min(t.used[r], attempt.allocation[r]);
    policy.observe(t, seen, 'exhausted');
    const next = policy.next(t, attempt.allocation, attempt.exhausted, seen);
    if (next.retry) retries.push({ ...p, retry: next.allocation });
    else p.record.failure = next.reason;
  };

  schedule();
  while (events.size > 0) {
    now = events.peekTime();
    const retries: Pending[] = [];
    while (events.size > 0 && events.peekTime() === now) finish(events.pop() as Running, retries);
    queue = retries.concat(queue);
    schedule();
  }
  for (const p of queue) p.record.failure ??= 'never fitted on a worker';
  return { mode: options.mode, workers, worker, tasks: records, makespan, stats: efficiencyStats(records) };
}
