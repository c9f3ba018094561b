// Text and JSON-lines renderings of replay results.
import { AUTO_RESOURCES } from '../resources.js';
import type { Comparison, ModeFigures } from './compare.js';
import type { ReplayedTask } from './simulate.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const big = (x: number) => (x >= 1e9 ? `${(x / 1e9).toFixed(2)}G` : x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));

const COLUMNS: Array<[string, (m: ModeFigures) => string]> = [
  ['mode', (m) => m.mode],
  ['retries', (m) => String(m.retries)],
  ['failed', (m) => String(m.failed)],
  ['cores eff', (m) => `${pct(m.cores.efficiency)} / ${pct(m.cores.meanPerTask)}`],
  ['memory eff', (m) => `${pct(m.memory.efficiency)} / ${pct(m.memory.meanPerTask)}`],
  ['disk eff', (m) => `${pct(m.disk.efficiency)} / ${pct(m.disk.meanPerTask)}`],
  ['core·s alloc/used', (m) => `${big(m.cores.allocated)} / ${big(m.cores.used)}`],
  ['memory MB·s alloc/used', (m) => `${big(m.memory.allocated)} / ${big(m.memory.used)}`],
  ['makespan s', (m) => m.makespan.toFixed(0)],
  ['vs oracle', (m) => `${m.makespanVsOracle.toFixed(3)}x`],
];

/** A table, one row per mode; efficiencies are time-weighted / mean per task. */
export function formatComparison(title: string, c: Comparison): string[] {
  const rows = [COLUMNS.map(([h]) => h), ...c.modes.map((m) => COLUMNS.map(([, f]) => f(m)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const w = c.worker;
  return [
    `${title}: ${c.modes[0]?.tasks ?? 0} tasks on ${c.workers} worker(s) of cores=${w.cores} memory=${w.memory}MB disk=${w.disk}MB`,
    '(efficiency: time-weighted / mean per task)',
    line(rows[0]), ...rows.slice(1).map(line),
  ];
}

/** One JSON line per task: every attempt's allocation and outcome. */
export function taskLine(mode: string, t: ReplayedTask): string {
  return JSON.stringify({
    mode, task: t.task, category: t.category,
    used: { cores: t.used.cores, memory_mb: t.used.memory, disk_mb: t.used.disk }, wall_s: t.wall,
    result: t.failure === undefined && t.attempts.at(-1)?.outcome === 'success' ? 'success' : 'failed',
    ...(t.failure !== undefined ? { reason: t.failure } : {}),
    attempts: t.attempts.map((a) => ({
      ...Object.fromEntries(AUTO_RESOURCES.map((r) => [r === 'cores' ? r : `${r}_mb`, a.allocation[r]])),
      outcome: a.outcome, exhausted: a.exhausted, worker: a.worker, start_s: a.start, end_s: a.end,
    })),
  });
}
