// Runs a command task through execa in a sandbox directory of its own: inputs copied in from the content
// cache, the command run (by the shell where it needs one), declared outputs read back, the sandbox removed,
// and everything the command started killed (command-containment.ts).
import { execa } from 'execa';
import { mkdtemp, mkdir, copyFile, readFile, rm, constants } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join, dirname } from 'node:path';
import type { CommandTaskSpec, Measurement, TaskResult } from '../protocol/messages.js';
import { encodeError } from '../protocol/payload.js';
import type { ContentCache } from './content-cache.js';
import { TreeMonitor } from './process-tree.js';
import { SandboxLimits, sandboxUsage } from './sandbox-limits.js';
import { OutputCapture } from './output-capture.js';
import type { CallAbort } from './call-abort.js';
import { MARKER_VAR, type Containment } from './command-containment.js';

export type CommandReport = Omit<TaskResult, 'type' | 'id' | 'started' | 'finished'>;

/** The host's environment, copied once: execa would otherwise copy process.env (a slow proxy) per spawn. */
const HOST_ENV = { ...process.env } as Record<string, string>;
/** How often a command's process tree is sampled. */
const SAMPLE_MS = 100;
/** Words only a shell understands (builtins with no program of the same name). */
const SHELL_ONLY = new Set(['exit', 'cd', 'export', 'set', 'unset', 'source', '.', 'eval', 'exec', 'read', 'wait',
  'ulimit', 'umask', 'alias', 'type', 'command', 'trap', 'shift', 'return', 'break', 'continue', 'times', 'hash', 'readonly', 'local']);
/** Empty sandboxes ready for the next command, per sandbox root. */
const spareSandboxes = new Map<string, string[]>();
const MAX_SPARE_SANDBOXES = 64;
/** Words of letters, digits and / . _ - = : , @ + only: no quoting, expansion, redirection or operators. */
const PLAIN_COMMAND = /^\s*[\w/.=:,@+-]+(\s+[\w/.=:,@+-]+)*\s*$/;
/** A single file may grow to this share of the disk allocation (RLIMIT_FSIZE); the sandbox as a whole is
 * checked by walking it (sandbox-limits.ts). Over the allocation, so a file that stops at it is seen over. */
const FILE_SIZE_SHARE = 1.05;

/** The program and arguments to run without a shell, or null where the line needs one. */
function plainWords(command: string): string[] | null {
  if (!PLAIN_COMMAND.test(command)) return null;
  const words = command.trim().split(/\s+/);
  // A first word with '=' is an assignment to the environment (FOO=bar cmd), which only a shell makes.
  return SHELL_ONLY.has(words[0]) || words[0].includes('=') ? null : words;
}

/** How a command ended: its exit code, or (killed by a signal) 128 + the signal's number, as a shell says it. */
function exitCodeOf(r: { exitCode?: number; signal?: string }): number | null {
  if (r.exitCode !== undefined) return r.exitCode;
  const n = r.signal ? (osConstants.signals as Record<string, number>)[r.signal] : undefined;
  return n === undefined ? null : 128 + n;
}

export async function runCommand(spec: CommandTaskSpec, sandboxRoot: string, files: ContentCache,
  gpuIds: number[] | null, stop: CallAbort, contain: Containment): Promise<CommandReport> {
  // A sandbox left empty by the last command is used again: no directory to make and remove per task.
  let spare = spareSandboxes.get(sandboxRoot);
  if (!spare) spareSandboxes.set(sandboxRoot, (spare = []));
  const dir = spare.pop() ?? await mkdtemp(join(sandboxRoot, `t${spec.id}-`));
  let emptyAtEnd = false;
  let capture: OutputCapture | null = null;
  let limits: SandboxLimits | null = null;
  let startedPid: number | undefined;
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
    // Every command gets its marker, which all it starts inherit (command-containment.ts).
    const env: Record<string, string> = { ...HOST_ENV, ...spec.env, [MARKER_VAR]: contain.marker(spec.id) };
    if (gpuIds) env.CUDA_VISIBLE_DEVICES = gpuIds.join(',');
    let command = spec.command;
    // A command line with nothing for a shell to do runs directly: one process instead of two.
    let words = plainWords(command);
    if (spec.resources.disk > 0) {
      // No file it writes (outputs included) may outgrow the allocation: the shell sets RLIMIT_FSIZE, in its
      // 512-byte blocks, for the command and all it starts.
      const blocks = Math.ceil(spec.resources.disk * FILE_SIZE_SHARE * 2 ** 20 / 512);
      command = `ulimit -f ${blocks}\n${words ? `exec ${words.join(' ')}` : command}`;
      words = null;
    }
    if (stop.aborted) return { outcome: 'cancelled' };
    capture = new OutputCapture(sandboxRoot);
    const sub = execa(words ? words[0] : command, words ? words.slice(1) : [], {
      env, extendEnv: false,
      // A descriptor number goes to spawn() as it is (execa's types list only 1 and 2; its code takes any).
      shell: !words, cwd: dir, reject: false, stdin: 'ignore', stdout: capture.stdout as 1, stderr: capture.stderr as 2,
      // Its own session and process group, so that it and what it starts can be killed together.
      detached: true,
      // Wall time and cancellation stop a command at once (SIGKILL), as Work Queue does: no grace-period timer
      // per command, which costs every spawn. Cancellation kills it below rather than through execa's
      // cancelSignal, which would need an AbortController (an EventTarget and its events) per command.
      killSignal: 'SIGKILL', forceKillAfterDelay: false,
      // The command host stops its commands itself when the worker goes (see command-host.ts): no per-spawn
      // exit-signal handlers.
      cleanup: false,
      timeout: spec.wallTime === null ? undefined : spec.wallTime * 1000,
    });
    startedPid = sub.pid;
    if (startedPid !== undefined) contain.started(spec.id, startedPid);
    const kill = (): void => contain.killGroup(spec.id);
    stop.once('abort', kill);
    let monitor: TreeMonitor | null = null;
    const sandboxLimits = limits = new SandboxLimits(spec.resources, dir, capture, () => {
      kill();
      monitor?.killAll();
    });
    if (startedPid !== undefined) monitor = new TreeMonitor(startedPid, SAMPLE_MS, (m) => sandboxLimits.check(m));
    const r = await sub;
    monitor?.stop();
    stop.off('abort', kill);
    // The command is over: whatever it left running dies now, before anything is reported.
    startedPid = undefined;
    await contain.ended(spec.id);
    const usage = await sandboxUsage(dir);
    emptyAtEnd = usage.entries === 0;
    const { stdout, stderr, bytes } = capture.take();
    const disk = usage.mb + bytes / 2 ** 20;
    limits.stop(disk);
    const m = monitor as TreeMonitor | null;
    const measured: Measurement = { cpuTime: m?.cpuSeconds ?? 0, memory: m?.peakRssMb ?? 0, coresPeak: m?.peakCores ?? 0, disk };
    if (sub.pid === undefined || (r.failed && r.exitCode === undefined && r.signal === undefined && !r.timedOut)) {
      // It never ran (no such program, not executable, ...): say why.
      const err = Object.assign(new Error(`the command could not start: ${r.originalMessage ?? r.shortMessage}`),
        r.code ? { code: r.code } : {});
      return { outcome: 'exception', exitCode: null, stdout, stderr, measured, error: encodeError(err) };
    }
    const base = { exitCode: exitCodeOf(r), stdout, stderr, measured };
    if (limits.exceeded) {
      const x = limits.exceeded;
      return { ...base, outcome: 'resource-exhaustion', exhausted: x,
        error: encodeError(new Error(`${x.resource}: used ${x.measured.toFixed(1)} MB, allocated ${x.allocated} MB`)) };
    }
    if (r.timedOut) {
      return { ...base, outcome: 'max-wall-time', error: encodeError(new Error(`command stopped at its wall time of ${spec.wallTime} s`)) };
    }
    if (stop.aborted) return { ...base, outcome: 'cancelled' };
    if (r.signal) {
      // Killed by a signal (not ours): a result like a shell's, naming the signal.
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
    if (startedPid !== undefined) contain.ended(spec.id);
    limits?.stop(0);
    capture?.close();
    if (emptyAtEnd && spare.length < MAX_SPARE_SANDBOXES) spare.push(dir);
    else await rm(dir, { recursive: true, force: true });
  }
}
