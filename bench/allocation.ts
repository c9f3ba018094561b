// Allocation modes on the synthetic traces: every trace replayed in every mode on 4 workers of
// 64 cores / 256 GB / 256 GB (memory and disk enforced, cores stretching the wall time), reporting
// memory, core and disk efficiency, retries and makespan vs the oracle, and whether the bar holds
// (bimodal and exponential: some automatic mode with >= 70 % time-weighted memory efficiency and a
// makespan within 15 % of the oracle's). Two references: cost-bucketing fed the whole trace first (no
// learning cost), and the ladder bound, the most memory efficiency any per-category allocation can
// expect on the trace (the best ladder per category knowing its distribution, failures costing only
// their memory).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTrace } from '../lib/allocation/replay/trace.js';
import { compareModes, type ModeFigures } from '../lib/allocation/replay/compare.js';
import { REPLAY_MODES } from '../lib/allocation/replay/policies.js';
import { DEFAULT_WORKER } from '../lib/allocation/replay/worker-spec.js';
import { replay } from '../lib/allocation/replay/simulate.js';
import { formatComparison } from '../lib/allocation/replay/report.js';
import { ladderBound } from '../lib/allocation/replay/bound.js';
import type { BenchResult } from './run.js';
import type { TraceTask } from '../lib/allocation/replay/trace.js';
import type { WorkerSize } from '../lib/allocation/replay/policies.js';
import { REALISTIC_TRACES } from './_realistic-traces.js';

const TRACES = ['normal', 'bimodal', 'trimodal', 'exponential', 'uniform', 'beta'];
const BAR_TRACES = ['bimodal', 'exponential'];
const WORKERS = 4;
/** The generated realistic traces run on two 16-core / 64 GB workers with 256 GB of disk. */
const REALISTIC_WORKERS = 2;
const REALISTIC_WORKER: WorkerSize = { cores: 16, memory: 65536, disk: 262144 };
/** Modes that size tasks from measurements (fixed with nothing given is a whole worker). */
const AUTOMATIC = ['max', 'min-waste', 'max-throughput', 'greedy-bucketing', 'exhaustive-bucketing', 'cost-bucketing'];
const round = (x: number, digits = 4) => +x.toFixed(digits);

function meets(m: ModeFigures): boolean {
  return m.memory.efficiency >= 0.7 && m.makespanVsOracle <= 1.15;
}

export default async function allocation(args: string[]): Promise<BenchResult> {
  if (args.length > 0) throw new Error(`bench allocation: expected no options besides --json, got ${args.join(' ')}`);
  const dir = fileURLToPath(new URL('../../fixtures/traces', import.meta.url));
  const figures: Record<string, unknown> = { workers: WORKERS, worker: DEFAULT_WORKER };
  const report: string[] = [];
  const sources: Array<[string, () => TraceTask[], number, WorkerSize]> = [
    ...TRACES.map((name): [string, () => TraceTask[], number, WorkerSize] => [name, () => {
      const file = `${dir}${name}.csv`;
      if (!existsSync(file)) throw new Error(`bench allocation: missing ${file}; run node fixtures/traces/generate.mjs`);
      return readTrace(file);
    }, WORKERS, DEFAULT_WORKER]),
    ...Object.entries(REALISTIC_TRACES).map(([name, make]): [string, () => TraceTask[], number, WorkerSize] => [name, make, REALISTIC_WORKERS, REALISTIC_WORKER]),
  ];
  for (const [name, load, workers, size] of sources) {
    const trace = load();
    const c = compareModes(trace, REPLAY_MODES, workers, size, { keepTasks: false });
    // Reference: cost-bucketing fed the whole trace first, i.e. without its learning cost.
    const warm = replay(trace, { mode: 'cost-bucketing', workers, worker: size, warmStart: true, keepTasks: false });
    const oracle = c.modes.find((m) => m.mode === 'oracle') as ModeFigures;
    const bound = ladderBound(trace, 'memory');
    // The ceiling for cores: the best static per-category ladder were cores enforced.
    const coreBound = ladderBound(trace, 'cores');
    const perMode: Record<string, unknown> = {};
    for (const m of c.modes) {
      perMode[m.mode] = {
        memoryEfficiency: round(m.memory.efficiency), memoryPerTask: round(m.memory.meanPerTask),
        coreEfficiency: round(m.cores.efficiency), corePerTask: round(m.cores.meanPerTask),
        diskEfficiency: round(m.disk.efficiency), retries: m.retries, failed: m.failed,
        makespan: round(m.makespan, 1), makespanVsOracle: round(m.makespanVsOracle),
      };
    }
    const automatic = c.modes.filter((m) => AUTOMATIC.includes(m.mode));
    const fastest = automatic.reduce((a, b) => (b.makespanVsOracle < a.makespanVsOracle ? b : a));
    const leanest = automatic.reduce((a, b) => (b.memory.efficiency > a.memory.efficiency ? b : a));
    const passing = automatic.filter(meets).map((m) => m.mode);
    figures[name] = {
      tasks: trace.length, modes: perMode,
      warmCostBucketing: {
        memoryEfficiency: round(warm.stats.resources.memory.timeWeighted), coreEfficiency: round(warm.stats.resources.cores.timeWeighted),
        retries: warm.stats.retries, makespanVsOracle: round(warm.makespan / oracle.makespan),
      },
      memoryLadderBound: round(bound), coreLadderBound: round(coreBound),
      bestMakespanMode: fastest.mode, bestMemoryMode: leanest.mode, modesMeetingBar: passing,
      ...(BAR_TRACES.includes(name) ? { barMet: passing.length > 0 } : {}),
    };
    report.push(...formatComparison(name, c));
    report.push(`  warm cost-bucketing (whole trace fed first, no learning cost): memory ${(100 * warm.stats.resources.memory.timeWeighted).toFixed(1)}%, ` +
      `cores ${(100 * warm.stats.resources.cores.timeWeighted).toFixed(1)}%, retries ${warm.stats.retries}, makespan ${(warm.makespan / oracle.makespan).toFixed(3)}x oracle`);
    report.push(`  ladder bound (best ladder per category knowing its distribution, failures costing only their memory): memory ${(100 * bound).toFixed(1)}%, cores (enforced) ${(100 * coreBound).toFixed(1)}%`);
    report.push(`  best automatic: makespan ${fastest.mode} (${fastest.makespanVsOracle.toFixed(3)}x), memory ${leanest.mode} (${(100 * leanest.memory.efficiency).toFixed(1)}%)` +
      (BAR_TRACES.includes(name) ? `; bar (>= 70% memory and <= 1.15x makespan): ${passing.length ? `met by ${passing.join(', ')}` : 'not met'}` : ''));
    report.push('');
  }
  return { figures, report };
}
