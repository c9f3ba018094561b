// Runs the trellis CLI as a real process with some standard input (a pipe, or a pseudo-terminal through
// script(1)), and long-running CLI servers whose output is collected as it comes.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from '../helpers/paths.js';

export interface Run { code: number | string; stdout: string; stderr: string }

export function runWithInput(args: string[], input: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return collect(spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env }), input);
}

/** The same, with the CLI on a pseudo-terminal (script -q: stdin and stdout are a tty for it). */
export function runOnTerminal(args: string[], input: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return collect(spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env }), input);
}

function collect(child: ChildProcess, input: string): Promise<Run> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 60_000);
    child.on('exit', (code, sig) => { clearTimeout(killer); resolve({ code: code ?? sig ?? -1, stdout, stderr }); });
    child.stdin!.end(input);
  });
}

export interface Server { child: ChildProcess; output(): string; exited: Promise<number | string> }

/** Starts a long-running CLI process; `waitFor` resolves once its output matches. */
export function startServer(args: string[], env: NodeJS.ProcessEnv = process.env): Server {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return { child, output: () => out, exited };
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  // The test's own timeout ends a wait that never comes true; `what` names it in the stack.
  void what;
}
