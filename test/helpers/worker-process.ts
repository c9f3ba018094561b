// Starts real `trellis worker` processes for tests and stops them by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './paths.js';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Resolves with the exit code (or signal name) once it has exited. */
  exited: Promise<number | string>;
}

const started = new Set<ChildProcess>();

export function startWorker(args: string[]): WorkerProcess {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => {
    started.delete(child);
    resolve(code ?? sig ?? -1);
  }));
  return { child, pid: child.pid!, log: () => err, exited };
}

/** Kills every worker a test started that is still running. */
export async function stopAllWorkers(): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const child of started) {
    waits.push(new Promise((resolve) => child.once('exit', () => resolve())));
    try { process.kill(child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }
  await Promise.all(waits);
}

export async function until(cond: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
