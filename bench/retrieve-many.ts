// The Coffea post's experiment: all tasks submitted up front, the application spins the CPU for a while on
// each returned task, and we see whether workers stay fed. Three modes: default (inline dispatch),
// wait-retrieve-many (inline, Work Queue's option), and the dispatcher thread.
// Options: --scale F shrinks task and post times (default 1), --out DIR for the SVG charts (default bench-out).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Manager, FunctionTask } from '../lib/index.js';
import type { BenchResult } from './run.js';
import { lineChartSvg } from './_svg-chart.js';

function sleepTask(seconds: number): Promise<number> {
  return new Promise((r) => setTimeout(() => r(seconds), seconds * 1000));
}

function spin(seconds: number): void {
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) { /* the application's post-processing, on its own thread */ }
}

type Mode = 'default' | 'wait-retrieve-many' | 'thread';
const MODES: Mode[] = ['default', 'wait-retrieve-many', 'thread'];

interface Params { tasks: number; slots: number; taskTime: number; postTime: number }

export async function runPoint(p: Params, mode: Mode): Promise<number> {
  const manager = new Manager({ host: '127.0.0.1', port: 0, log: false, dispatch: mode === 'thread' ? 'thread' : 'inline' });
  if (mode === 'wait-retrieve-many') manager.tune('wait-retrieve-many', true);
  const port = await manager.listen();
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const worker: ChildProcess = spawn(process.execPath, [cli, 'worker', `127.0.0.1:${port}`, '--cores', String(p.slots)], { stdio: 'ignore' });
  try {
    while (manager.status().workers.length === 0) await new Promise((r) => setTimeout(r, 20));
    // Warm the environment on the worker so the first task does not pay for it.
    manager.submit(new FunctionTask(sleepTask, 0));
    await manager.wait(30);
    const t0 = performance.now();
    for (let i = 0; i < p.tasks; i++) manager.submit(new FunctionTask(sleepTask, p.taskTime));
    for (let t = await manager.wait(600); t; t = await manager.wait(600)) {
      if (t.result !== 'success') throw new Error(`task ${t.id} ended ${t.result}: ${t.error?.message}`);
      spin(p.postTime);
    }
    return (performance.now() - t0) / 1000;
  } finally {
    await manager.close();
    worker.kill('SIGKILL');
  }
}

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

export default async function retrieveMany(args: string[]): Promise<BenchResult> {
  const scale = Number(arg(args, '--scale', '1'));
  if (!(scale > 0)) throw new Error(`--scale expects a number > 0, got "${arg(args, '--scale', '')}"`);
  const outDir = resolve(arg(args, '--out', 'bench-out'));
  const base: Params = { tasks: 100, slots: 5, taskTime: 1 * scale, postTime: 1 * scale };
  const sweeps: { sweep: keyof Params; values: number[] }[] = [
    { sweep: 'tasks', values: [50, 100, 200] },
    { sweep: 'slots', values: [1, 5, 10, 20] },
    { sweep: 'taskTime', values: [0.5, 1, 2, 5].map((v) => v * scale) },
    { sweep: 'postTime', values: [0, 0.5, 1, 2].map((v) => v * scale) },
  ];
  const points: { sweep: string; value: number; mode: Mode; seconds: number; bound_seconds: number }[] = [];
  const report = [`retrieve-many: base ${JSON.stringify(base)} (scale ${scale})`,
    '  sweep      value    bound s   default s   wait-retrieve-many s   thread s'];
  for (const { sweep, values } of sweeps) {
    for (const value of values) {
      const p = { ...base, [sweep]: value };
      const bound = Math.max((p.tasks * p.taskTime) / p.slots, p.tasks * p.postTime);
      const row: number[] = [];
      for (const mode of MODES) {
        const seconds = await runPoint(p, mode);
        points.push({ sweep, value, mode, seconds: +seconds.toFixed(3), bound_seconds: +bound.toFixed(3) });
        row.push(seconds);
      }
      report.push(`  ${sweep.padEnd(9)} ${String(value).padStart(6)} ${bound.toFixed(2).padStart(9)} ` +
        row.map((s, i) => `${s.toFixed(2)} (${(s / bound).toFixed(2)}x)`.padStart([11, 22, 10][i] + 1)).join(' '));
    }
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `retrieve-many-${sweep}.svg`);
    const mine = points.filter((q) => q.sweep === sweep);
    writeFileSync(file, lineChartSvg({
      title: `Time to finish vs ${sweep} (others at base)`, xLabel: sweep, yLabel: 'seconds',
      series: [
        { name: 'lower bound', points: values.map((v) => [v, mine.find((q) => q.value === v)!.bound_seconds]), dashed: true },
        ...MODES.map((m) => ({ name: m, points: mine.filter((q) => q.mode === m).map((q) => [q.value, q.seconds] as [number, number]) })),
      ],
    }));
    report.push(`  chart: ${file}`);
  }
  return { figures: { scale, points }, report };
}
