// Efficiency of allocations against what tasks used. Time-weighted: Σ used·wall over Σ allocated·wall
// over every attempt, a failed attempt charged its whole allocation for the task's wall time. Per task:
// the mean over tasks of used / Σ allocated over its attempts (the wall time cancels).
import { AUTO_RESOURCES, type AutoResource, type Resources } from './resources.js';

export type AttemptOutcome = 'success' | 'exhausted';

export interface AttemptRecord {
  allocation: Resources;
  outcome: AttemptOutcome;
}

export interface TaskRecord {
  /** What the task really uses (peak cores, memory MB, disk MB). */
  used: Pick<Resources, AutoResource>;
  /** Its wall time (s): every attempt is charged this long. */
  wall: number;
  attempts: AttemptRecord[];
  /** Why the task failed for good (e.g. it needs more than a worker), if it did. */
  failure?: string;
}

export interface ResourceEfficiency {
  /** Σ used·wall (resource·s). */
  used: number;
  /** Σ over attempts of allocated·wall (resource·s). */
  allocated: number;
  /** used / allocated; 1 when nothing was allocated. */
  timeWeighted: number;
  /** Mean over tasks of used / Σ allocated (tasks that neither used nor got any are left out). */
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

export function efficiencyStats(tasks: readonly TaskRecord[]): EfficiencyStats {
  const out = { tasks: tasks.length, attempts: 0, retries: 0, failed: 0, resources: {} } as EfficiencyStats;
  for (const r of AUTO_RESOURCES) {
    let used = 0;
    let allocated = 0;
    let ratioSum = 0;
    let ratioCount = 0;
    for (const t of tasks) {
      const given = t.attempts.reduce((s, a) => s + a.allocation[r], 0);
      used += t.used[r] * t.wall;
      allocated += given * t.wall;
      if (given > 0) { ratioSum += Math.min(t.used[r], given) / given; ratioCount++; }
    }
    out.resources[r] = {
      used, allocated, timeWeighted: allocated > 0 ? used / allocated : 1, meanPerTask: ratioCount ? ratioSum / ratioCount : 1,
    };
  }
  for (const t of tasks) {
    out.attempts += t.attempts.length;
    out.retries += Math.max(0, t.attempts.length - 1);
    if (t.failure !== undefined || t.attempts.at(-1)?.outcome !== 'success') out.failed++;
  }
  return out;
}
