// `trellis allocate` on traces of growing size: the bimodal model of fixtures/traces/generate.mjs at 10k and 100k
// tasks (and more with --tasks 1000000), each replayed by the CLI in a child process (cost-bucketing plus the
// oracle and whole-worker references), reporting wall and CPU time and tasks per second of each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './run.js';

export default async function allocateScale(args: string[]): Promise<BenchResult> {
  let sizes = [10_000, 100_000];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--tasks') throw new Error(`bench allocate-scale: expected --tasks N[,N...], got "${args[i]}"`);
    const raw = args[++i] ?? '';
    sizes = raw.split(',').map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bench allocate-scale: --tasks expects integers >= 1, got "${raw}"`);
  }
  const generator = fileURLToPath(new URL('../../fixtures/traces/generate.mjs', import.meta.url));
  const { generateTrace } = (await import(pathToFileURL(generator).href)) as { generateTrace: (shape: string, n: number, seed: number) => string };
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'trellis-allocate-scale-'));
  const figures: Record<string, unknown> = {};
  const report: string[] = ['tasks  wall s  cpu s  tasks/s (wall)  tasks/s (cpu)'];
  try {
    for (const n of sizes) {
      const file = join(dir, `bimodal-${n}.csv`);
      writeFileSync(file, generateTrace('bimodal', n, 7));
      const script = `const t=Date.now();process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write(JSON.stringify({wall:(Date.now()-t)/1e3,cpu:(u.user+u.system)/1e6}))});` +
        `process.argv.splice(1,0,${JSON.stringify(cli)});await import(${JSON.stringify(pathToFileURL(cli).href)});`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, 'allocate', '--trace', file, '--mode', 'cost-bucketing', '--json'],
        { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`trellis allocate on ${n} tasks failed: ${r.stderr}`);
      const { wall, cpu } = JSON.parse(r.stderr.slice(r.stderr.lastIndexOf('{'))) as { wall: number; cpu: number };
      figures[String(n)] = { wallSeconds: +wall.toFixed(2), cpuSeconds: +cpu.toFixed(2), tasksPerSecond: Math.round(n / wall), tasksPerCpuSecond: Math.round(n / cpu) };
      report.push(`${n}  ${wall.toFixed(1)}  ${cpu.toFixed(1)}  ${Math.round(n / wall)}  ${Math.round(n / cpu)}`);
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { figures, report };
}
