// JX over 100,000 task records: evaluations per second of select/project queries (the kind `trellis query`,
// `trellis status --where` and catalogs run), against the same filter written as plain JavaScript in the
// same run (the ratio says what the bounded interpreter costs).
import { parseJx, evaluateNode, type JxObject, type JxValue } from '../lib/jx/index.js';
import type { BenchResult } from './run.js';

const RESULTS = ['success', 'success', 'success', 'exception', 'resource-exhaustion'];

function records(n: number): JxObject[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i, category: `cat${i % 20}`, result: RESULTS[i % RESULTS.length]!, wall: (i % 97) / 7, memory: 100 + (i % 900), worker: `w${i % 64}`,
  }));
}

const QUERIES: [name: string, jx: string, js: (tasks: JxObject[]) => JxValue][] = [
  ['select+project', 'tasks.select(result=="exception").project(category)',
    (t) => t.filter((r) => r.result === 'exception').map((r) => r.category!)],
  ['select 2 conditions+len', 'tasks.select(wall > 5 and memory < 500).len()',
    (t) => t.filter((r) => (r.wall as number) > 5 && (r.memory as number) < 500).length],
  ['project arithmetic', 'tasks.project(wall * memory)',
    (t) => t.map((r) => (r.wall as number) * (r.memory as number))],
];

function rate(fn: () => void, minMs: number): number {
  fn(); // warm up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do { fn(); n++; elapsed = performance.now() - start; } while (elapsed < minMs);
  return n / (elapsed / 1000);
}

export default async function jxBench(args: string[]): Promise<BenchResult> {
  const count = Number(args[args.indexOf('--records') + 1] || 100_000) || 100_000;
  const tasks = records(count);
  const figures: Record<string, unknown> = { records: count };
  const report = [`JX over ${count} task records (evaluations/s, records/s; plain JavaScript in the same run):`];
  for (const [name, jx, js] of QUERIES) {
    const node = parseJx(jx);
    const evals = rate(() => { evaluateNode(node, { tasks }); }, 2000);
    const base = rate(() => { js(tasks); }, 1000);
    figures[name] = { jx, evaluationsPerSecond: +evals.toFixed(2), recordsPerSecond: Math.round(evals * count), jsEvaluationsPerSecond: +base.toFixed(1), ratioToJs: +(evals / base).toFixed(4) };
    report.push(`  ${name.padEnd(24)} ${evals.toFixed(1).padStart(7)} evals/s = ${(evals * count / 1e6).toFixed(2)} M records/s   (JS ${base.toFixed(0)} evals/s, ratio ${(evals / base).toFixed(3)})   ${jx}`);
  }
  return { figures, report };
}
