// Replays one trace in several modes (always with the oracle, the makespan's reference) and reduces each
// run to the figures `trellis allocate` and the benchmark report.
import type { AutoResource } from '../resources.js';
import { replay, type ReplayOptions, type ReplayResult } from './simulate.js';
import type { ReplayMode, WorkerSize } from './policies.js';
import type { TraceTask } from './trace.js';

export interface ResourceFigures {
  /** resource·s: core·s for cores, MB·s for memory and disk. */
  used: number;
  allocated: number;
  /** Time-weighted efficiency, 0..1. */
  efficiency: number;
  /** Mean per-task efficiency, 0..1. */
  meanPerTask: number;
}

export interface ModeFigures {
  mode: ReplayMode;
  tasks: number;
  attempts: number;
  retries: number;
  failed: number;
  cores: ResourceFigures;
  memory: ResourceFigures;
  disk: ResourceFigures;
  /** Seconds until the last task finished. */
  makespan: number;
  /** makespan / the oracle's makespan. */
  makespanVsOracle: number;
}

export interface Comparison {
  workers: number;
  worker: WorkerSize;
  modes: ModeFigures[];
  runs: ReplayResult[];
}

function figures(r: ReplayResult, oracleMakespan: number): ModeFigures {
  const res = (name: AutoResource): ResourceFigures => {
    const e = r.stats.resources[name];
    return { used: e.used, allocated: e.allocated, efficiency: e.timeWeighted, meanPerTask: e.meanPerTask };
  };
  return {
    mode: r.mode, tasks: r.stats.tasks, attempts: r.stats.attempts, retries: r.stats.retries, failed: r.stats.failed,
    cores: res('cores'), memory: res('memory'), disk: res('disk'),
    makespan: r.makespan, makespanVsOracle: oracleMakespan > 0 ? r.makespan / oracleMakespan : 1,
  };
}

/** Replay options shared by every mode of a comparison (order, cold start, enforcement, settings, …). */
export type CompareOptions = Omit<ReplayOptions, 'mode' | 'workers' | 'worker'>;

export function compareModes(
  trace: readonly TraceTask[], modes: readonly ReplayMode[], workers: number, worker: WorkerSize, options: CompareOptions = {},
): Comparison {
  const runs = new Map<ReplayMode, ReplayResult>();
  const run = (mode: ReplayMode) => {
    let r = runs.get(mode);
    // The oracle is the reference: exactly what each task uses from its first attempt, cold start or not.
    if (!r) runs.set(mode, (r = replay(trace, { ...options, ...(mode === 'oracle' ? { coldStart: 0 } : {}), mode, workers, worker })));
    return r;
  };
  const oracle = run('oracle');
  const selected = modes.map(run);
  return { workers, worker, modes: selected.map((r) => figures(r, oracle.makespan)), runs: selected };
}
