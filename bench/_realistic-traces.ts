// Traces generated to the shapes seen in real workflows, for `npm run bench -- allocation`: small
// categories that appear late, heavy-tailed disk, multimodal memory, cores and memory correlated.
// Deterministic (seeded); shapes fixed before any allocator was run on them.
import { seededRandom } from '../lib/allocation/random.js';
import type { TraceTask } from '../lib/allocation/replay/trace.js';

type Draw = () => number;

function normal(u: Draw): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

const logNormal = (u: Draw, median: number, sigma: number) => median * Math.exp(sigma * normal(u));
/** Pareto with the given minimum and shape (alpha 1.2: a heavy tail). */
const pareto = (u: Draw, min: number, alpha: number) => min / Math.pow(1 - u(), 1 / alpha);

interface Shape { category: string; cores: number; memory: number; disk: number; wall: number }

function build(name: string, n: number, seed: number, row: (u: Draw, i: number) => Shape | null): TraceTask[] {
  const u = seededRandom(seed);
  const out: TraceTask[] = [];
  for (let i = 0; out.length < n; i++) {
    const s = row(u, i);
    if (!s) continue;
    out.push({
      task: `${name}-${out.length + 1}`, category: s.category, line: out.length + 2,
      used: { cores: +s.cores.toFixed(2), memory: Math.max(1, Math.round(s.memory)), disk: Math.max(1, Math.round(s.disk)) },
      wall: Math.max(0.1, +s.wall.toFixed(1)),
    });
  }
  return out;
}

/** Two large categories, then two of 5 tasks each appearing late (from task 463 and 1500), needing up to 40 GB of disk for minutes. */
function lateSmall(): TraceTask[] {
  let late = 0;
  return build('late', 2000, 11, (u, i) => {
    if ((i >= 463 && i % 97 === 0 && late < 5) || (i >= 1500 && i % 89 === 0 && late >= 5 && late < 10)) {
      late++;
      const cat = late <= 5 ? 'merge' : 'index';
      return { category: cat, cores: 1 + 3 * u(), memory: 4000 + 8000 * u(), disk: 20000 + 20000 * u(), wall: 270 + 190 * u() };
    }
    const a = u() < 0.6;
    return a
      ? { category: 'align', cores: 0.9 + 0.1 * u(), memory: logNormal(u, 1200, 0.3), disk: logNormal(u, 300, 0.3), wall: logNormal(u, 30, 0.4) }
      : { category: 'call', cores: 1.8 + 0.2 * u(), memory: logNormal(u, 3000, 0.25), disk: logNormal(u, 800, 0.3), wall: logNormal(u, 90, 0.4) };
  });
}

/** Disk with a Pareto tail (alpha 1.2), memory log-normal. */
function heavyDisk(): TraceTask[] {
  return build('heavy', 3000, 12, (u) => {
    const c = u() < 0.7 ? 'fetch' : 'unpack';
    return { category: c, cores: 1, memory: logNormal(u, c === 'fetch' ? 800 : 2000, 0.3), disk: Math.min(200000, pareto(u, c === 'fetch' ? 500 : 2000, 1.2)), wall: logNormal(u, 40, 0.5) };
  });
}

/** Memory with three modes per category (1x, 4x, 12x holding 70/22/8 %). */
function multimodalMemory(): TraceTask[] {
  return build('multi', 3000, 13, (u) => {
    const c = u() < 0.5 ? 'sim' : 'sim/large';
    const base = c === 'sim' ? 1000 : 3000;
    const p = u();
    const mode = p < 0.7 ? 1 : p < 0.92 ? 4 : 12;
    return { category: c, cores: c === 'sim' ? 1 : 4, memory: base * mode * (1 + 0.08 * normal(u)), disk: logNormal(u, 500, 0.2), wall: logNormal(u, 60 * Math.sqrt(mode), 0.3) };
  });
}

/** Cores and memory correlated: a task's size s sets both (cores ~ s, memory ~ 2 GB per core). */
function correlated(): TraceTask[] {
  return build('corr', 3000, 14, (u) => {
    const c = u() < 0.5 ? 'train' : 'eval';
    const s = Math.min(16, Math.max(1, logNormal(u, c === 'train' ? 4 : 1.5, 0.6)));
    return { category: c, cores: s * (0.85 + 0.15 * u()), memory: 2000 * s * (1 + 0.1 * normal(u)), disk: logNormal(u, 1000, 0.3), wall: logNormal(u, 100 / Math.sqrt(s), 0.4) };
  });
}

export const REALISTIC_TRACES: Record<string, () => TraceTask[]> = {
  'late-small': lateSmall, 'heavy-disk': heavyDisk, 'multimodal-memory': multimodalMemory, 'correlated-cores': correlated,
};
