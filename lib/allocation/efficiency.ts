// Efficiency of allocations against what tasks used. Time-weighted: Σ used·wall over Σ allocated·duration
// over every attempt, where wall is the task's own wall time and an attempt's duration is how long it
// held its allocation (the wall time, stretched when it was given fewer cores than it uses; a failed
// attempt is charged its whole allocation for that whole time). Per task: the mean over tasks of
// used·wall / Σ allocated·duration over its attempts.
import { AUTO_RESOURCES, type AutoResource, type Resources } from './resources.js';

export type AttemptOutcome = 'success' | 'exhausted';

export interface AttemptRecord {
  allocation: Resources;
  outcome: AttemptOutcome;
  /** How long the attempt held its allocation (s); the task's wall time when absent. */
  duration?: number;
}

export interface TaskRecord {
  /** What the task really uses (peak cores, memory MB, disk MB). */
  used: Pick<Resources, AutoResource>;
  /** Its wall time (s) when given at least the cores it uses. */
  wall: number;
  attempts: AttemptRecord[];
  /** Why the task failed for good (e.g. it needs more than a worker), if it did. */
  failure?: string;
}

export interface ResourceEfficiency {
  /** Σ used·wall (resource·s): what the oracle holds. */
  used: number;
  /** Σ over attempts of allocated·duration (resource·s). */
  allocated: number;
  /** used / allocated; 1 when nothing was allocated. */
  timeWeighted: number;
  /** Mean over tasks of used·wall / Σ allocated·duration (tasks that neither used nor got any are left out). */
  meanPerTask: number;
}

export interface EfficiencyStats {
  tasks: number;
  attempts: number;
  /** Attempts beyond each task's first. */
  retries: number;
  /** Tasks that never succeeded. */
  failed: number;
  resources: Record<AutoResource, ResourceEfficiency>;
}

/** Efficiency figures summed task by task, so a replay of millions of tasks need not keep them all. */
export class EfficiencyAccumulator {
  private readonly sums = Object.fromEntries(AUTO_RESOURCES.map((r) => [r, { used: 0, allocated: 0, ratioSum: 0, ratioCount: 0 }])) as
    Record<AutoResource, { used: number; allocated: number; ratioSum: number; ratioCount: number }>;
  private tasks = 0;
  private attempts = 0;
  private retries = 0;
  private failed = 0;

  add(t: TaskRecord): void {
    for (const r of AUTO_RESOURCES) {
      const s = this.sums[r];
      let given = 0;
      for (const a of t.attempts) given += a.allocation[r] * (a.duration ?? t.wall);
      const need = t.used[r] * t.wall;
      s.used += need;
      s.allocated += given;
      if (given > 0) { s.ratioSum += Math.min(need, given) / given; s.ratioCount++; }
    }
    this.tasks++;
    this.attempts += t.attempts.length;
    this.retries += Math.max(0, t.attempts.length - 1);
    if (t.failure !== undefined || t.attempts.at(-1)?.outcome !== 'success') this.failed++;
  }

  stats(): EfficiencyStats {
    const out = { tasks: this.tasks, attempts: this.attempts, retries: this.retries, failed: this.failed, resources: {} } as EfficiencyStats;
    for (const r of AUTO_RESOURCES) {
      const { used, allocated, ratioSum, ratioCount } = this.sums[r];
      out.resources[r] = { used, allocated, timeWeighted: allocated > 0 ? used / allocated : 1, meanPerTask: ratioCount ? ratioSum / ratioCount : 1 };
    }
    return out;
  }
}

export function efficiencyStats(tasks: readonly TaskRecord[]): EfficiencyStats {
  const acc = new EfficiencyAccumulator();
  for (const t of tasks) acc.add(t);
  return acc.stats();
}
