// Shared by the observation tests: running the trellis CLI as a real process, and a real headless Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI } from '../helpers/paths.js';

export interface CliRun {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli/main.js ...args` to the end (killed by pid after `limitMs`). */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; limitMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), options.limitMs ?? 60_000);
    child.on('exit', (code, sig) => { clearTimeout(killer); resolve({ code: code ?? sig ?? -1, stdout, stderr }); });
  });
}

/** A long-running CLI process (the factory) whose output is collected as it comes. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | string>;
}

export function startCli(args: string[], env?: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return { child, output: () => out, exited };
}

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null
    : `skipped: ${CHROMIUM} not found; install Debian's chromium (apt-get install chromium) to run the browser tests (CI does)`;
}
