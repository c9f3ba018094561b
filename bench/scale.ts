// Scale: a million tasks queued at once (submit rate, manager memory), and dispatch with 200 connected
// workers against one worker (simulated workers speaking the real protocol, so only the manager is measured).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Manager, FunctionTask, remote } from '../lib/index.js';
import type { BenchResult } from './run.js';

function noop(i: number): number {
  return i;
}

async function queued(count: number): Promise<{ rate: number; rssMb: number }> {
  const m = new Manager({ host: '127.0.0.1', port: 0, log: false });
  await m.listen();
  await new FunctionTask(noop, 0).shipment.bundle(); // bundle once before timing: submits then go straight to the queue
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) m.submit(new FunctionTask(noop, i));
  await new Promise((r) => setImmediate(r)); // let the queue settle
  const seconds = (performance.now() - t0) / 1000;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  if (m.status().tasks.waiting !== count) throw new Error(`expected ${count} waiting tasks, status says ${m.status().tasks.waiting}`);
  await m.close();
  return { rate: count / seconds, rssMb: Math.max(rssMb, rss0 / 2 ** 20) };
}

async function withWorkers(workers: number, calls: number): Promise<number> {
  const m = new Manager({ host: '127.0.0.1', port: 0, log: false });
  const port = await m.listen();
  const sim = spawn(process.execPath, [fileURLToPath(new URL('./_sim-workers.js', import.meta.url)), '127.0.0.1', String(port),
    String(workers), '1'], { stdio: 'inherit' });
  try {
    while (m.status().workers.length < workers) await new Promise((r) => setTimeout(r, 20));
    const f = remote(noop, { manager: m });
    await Promise.all(Array.from({ length: 2000 }, (_, i) => f(i)));
    const t0 = performance.now();
    await Promise.all(Array.from({ length: calls }, (_, i) => f(i)));
    return calls / ((performance.now() - t0) / 1000);
  } finally {
    await m.close();
    sim.kill('SIGKILL');
  }
}

export default async function scale(args: string[]): Promise<BenchResult> {
  const count = Number(args[args.indexOf('--tasks') + 1]) || 1_000_000;
  const q = await queued(count);
  const single = await withWorkers(1, 100_000);
  const many = await withWorkers(200, 100_000);
  const figures = {
    queued_tasks: count, queued_rss_mb: Math.round(q.rssMb), submit_per_s: Math.round(q.rate),
    workers: 200, workers_calls_per_s: Math.round(many), single_worker_calls_per_s: Math.round(single),
    workers_over_single: +(many / single).toFixed(3),
  };
  return {
    figures,
    report: [
      `scale: ${count} tasks queued: ${figures.submit_per_s} submits/s, manager RSS ${figures.queued_rss_mb} MB`,
      `  1 simulated worker:    ${figures.single_worker_calls_per_s} calls/s`,
      `  200 simulated workers: ${figures.workers_calls_per_s} calls/s (${figures.workers_over_single} of one worker)`,
    ],
  };
}
