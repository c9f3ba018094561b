// Runs a command task through execa in a sandbox directory of its own: inputs copied in from the content
// cache, the command run by the shell, declared outputs read back, the sandbox removed.
import { execa } from 'execa';
import { mkdtemp, mkdir, copyFile, readFile, rm, constants } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import type { CommandTaskSpec, Measurement, TaskResult } from '../lib/protocol/messages.js';
import { encodeError } from '../lib/protocol/payload.js';
import type { ContentCache } from './content-cache.js';
import { TreeMonitor } from './process-tree.js';
import { SandboxLimits, sandboxUsage } from './sandbox-limits.js';
import { OutputCapture } from './output-capture.js';
import type { CallAbort } from './call-abort.js';

export type CommandReport = Omit<TaskResult, 'type' | 'id' | 'started' | 'finished'>;

/** The host's environment, copied once: execa would otherwise copy process.env (a slow proxy) per spawn. */
const HOST_ENV = { ...process.env } as Record<string, string>;
/** How often a command's process tree is sampled. */
const SAMPLE_MS = 100;
/** Words of letters, digits and / . _ - = : , @ + only: no quoting, expansion, redirection or operators. */
/** Words only a shell understands (builtins with no program of the same name). */
const SHELL_ONLY = new Set(['exit', 'cd', 'export', 'set', 'unset', 'source', '.', 'eval', 'exec', 'read', 'wait',
  'ulimit', 'umask', 'alias', 'type', 'command', 'trap', 'shift', 'return', 'break', 'continue', 'times', 'hash', 'readonly', 'local']);
/** Empty sandboxes ready for the next command, per sandbox root. */
const spareSandboxes = new Map<string, string[]>();
const MAX_SPARE_SANDBOXES = 64;
const PLAIN_COMMAND = /^\s*[\w/.=:,@+-]+(\s+[\w/.=:,@+-]+)*\s*$/;

export async function runCommand(spec: CommandTaskSpec, sandboxRoot: string, files: ContentCache,
  gpuIds: number[] | null, stop: CallAbort): Promise<CommandReport> {
  // A sandbox left empty by the last command is used again: no directory to make and remove per task.
  let spare = spareSandboxes.get(sandboxRoot);
  if (!spare) spareSandboxes.set(sandboxRoot, (spare = []));
  const dir = spare.pop() ?? await mkdtemp(join(sandboxRoot, `t${spec.id}-`));
  let emptyAtEnd = false;
  let capture: OutputCapture | null = null;
  try {
    for (const input of spec.inputs) {
      if (!files.has(input.hash)) {
        return { outcome: 'input-missing', error: encodeError(new Error(`input "${input.name}" (sha256 ${input.hash}) never reached this worker`)) };
      }
      const dest = join(dir, input.name);
      await mkdir(dirname(dest), { recursive: true });
      // A copy (a reflink where the filesystem can), so a command that edits its input cannot spoil the cache.
      await copyFile(files.pathOf(input.hash), dest, constants.COPYFILE_FICLONE);
    }
    let env = HOST_ENV;
    if (gpuIds || Object.keys(spec.env).length > 0) {
      env = { ...HOST_ENV, ...spec.env };
      if (gpuIds) env.CUDA_VISIBLE_DEVICES = gpuIds.join(',');
    }
    // A command line with nothing for a shell to do runs directly: one process instead of two.
    let words: string[] | null = PLAIN_COMMAND.test(spec.command) ? spec.command.trim().split(/\s+/) : null;
    if (words && SHELL_ONLY.has(words[0])) words = null;
    if (stop.aborted) return { outcome: 'cancelled' };
    capture = new OutputCapture(sandboxRoot);
    const sub = execa(words ? words[0] : spec.command, words ? words.slice(1) : [], {
      env, extendEnv: false,
      // A descriptor number goes to spawn() as it is (execa's types list only 1 and 2; its code takes any).
      shell: !words, cwd: dir, reject: false, stdin: 'ignore', stdout: capture.stdout as 1, stderr: capture.stderr as 2,
      // Wall time and cancellation stop a command at once (SIGKILL), as Work Queue does: no grace-period timer
      // per command, which costs every spawn. Cancellation kills it below rather than through execa's
      // cancelSignal, which would need an AbortController (an EventTarget and its events) per command.
      killSignal: 'SIGKILL', forceKillAfterDelay: false,
      // The command host stops its commands itself when the worker goes (see command-host.ts): no per-spawn
      // exit-signal handlers.
      cleanup: false,
      timeout: spec.wallTime === null ? undefined : spec.wallTime * 1000,
    });
    const kill = (): void => { sub.kill('SIGKILL'); };
    stop.once('abort', kill);
    const limits = new SandboxLimits(spec.resources, dir, capture);
    const monitor = sub.pid === undefined ? null : new TreeMonitor(sub.pid, SAMPLE_MS, (m) => limits.check(m));
    const r = await sub;
    monitor?.stop();
    stop.off('abort', kill);
    const usage = await sandboxUsage(dir);
    emptyAtEnd = usage.entries === 0;
    const { stdout, stderr, bytes } = capture.take();
    const disk = usage.mb + bytes / 2 ** 20;
    const measured: Measurement = { cpuTime: monitor?.cpuSeconds ?? 0, memory: monitor?.peakRssMb ?? 0,
      coresPeak: monitor?.peakCores ?? 0, disk };
    const base = { exitCode: r.exitCode ?? null, stdout, stderr, measured };
    if (limits.exceeded) {
      const x = limits.exceeded;
      return { ...base, outcome: 'resource-exhaustion', exhausted: x,
        error: encodeError(new Error(`${x.resource}: used ${x.measured.toFixed(1)} MB, allocated ${x.allocated} MB`)) };
    }
    if (r.timedOut) {
      return { ...base, outcome: 'max-wall-time', error: encodeError(new Error(`command stopped at its wall time of ${spec.wallTime} s`)) };
    }
    if (stop.aborted) return { ...base, outcome: 'cancelled' };
    if (r.failed && r.exitCode === undefined) {
      // Killed by a signal or not started at all: say which.
      return { ...base, outcome: 'success', error: encodeError(new Error(r.shortMessage)) };
    }
    const outputs: { name: string; data: Uint8Array }[] = [];
    const missing: string[] = [];
    for (const name of spec.outputs) {
      try {
        outputs.push({ name, data: await readFile(join(dir, name)) });
      } catch {
        missing.push(name);
      }
    }
    if (missing.length) {
      return { ...base, outcome: 'output-missing', error: encodeError(new Error(`declared output(s) not produced: ${missing.join(', ')}`)) };
    }
    return { ...base, outcome: 'success', outputs };
  } finally {
    capture?.close();
    if (emptyAtEnd && spare.length < MAX_SPARE_SANDBOXES) spare.push(dir);
    else await rm(dir, { recursive: true, force: true });
  }
}
