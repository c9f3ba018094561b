// A workload whose workers all come from a `trellis factory` process: shared by the local and SLURM tests.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager, FunctionTask, type Task } from '../../lib/index.js';
import { until } from '../helpers/worker-process.js';
import { startCli, type CliProcess } from './helpers.js';

function nap(ms: number): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}

/** Runs a workload whose workers all come from a factory of the given batch type; returns what it saw. */
export async function factoryWorkload(batch: 'local' | 'slurm', min: number): Promise<{ factory: CliProcess; connected: string[]; done: Task[] }> {
  // With a password: the factory's status queries and the workers it submits then use it, over TLS.
  const manager = new Manager({ host: '127.0.0.1', port: 0, log: false, password: 'factory pw' });
  const connected: string[] = [];
  manager.onEvent((e) => { if (e.type === 'worker-connect') connected.push(e.worker.name); });
  const port = await manager.listen();
  const scratch = mkdtempSync(join(tmpdir(), `trellis-factory-${batch}-`));
  writeFileSync(join(scratch, 'pw'), 'factory pw\n');
  const factory = startCli(['factory', '--batch', batch, '--manager', `127.0.0.1:${port}`, '--password-file', join(scratch, 'pw'), '--min-workers', String(min),
    '--max-workers', '2', '--cores', '1', '--memory', '500', '--interval', '0.5', '--scratch-dir', scratch]);
  try {
    for (let i = 0; i < 12; i++) manager.submit(new FunctionTask(nap, 400));
    const done: Task[] = [];
    for (let t = await manager.wait(120); t; t = await manager.wait(120)) done.push(t);
    // Idle extras are cancelled until only the minimum is left.
    await until(() => /cancelled \d+ idle/.test(factory.output()) && manager.status().workers.length === min, 60_000,
      `the factory to cancel idle workers down to ${min}:\n${factory.output()}`);
    process.kill(factory.child.pid!, 'SIGTERM');
    assert.equal(await factory.exited, 0, factory.output());
    await until(() => manager.status().workers.length === 0, 30_000, 'every factory worker gone after the factory stopped');
    return { factory, connected, done };
  } finally {
    if (factory.child.exitCode === null) process.kill(factory.child.pid!, 'SIGKILL');
    await manager.close();
  }
}

/** Job ids the factory said it submitted. */
export function submittedJobs(output: string): string[] {
  return [...output.matchAll(/submitted \d+: ([\w ]+)/g)].flatMap((m) => m[1].trim().split(' '));
}

