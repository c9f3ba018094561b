// Tasks as the application sees them: a function call or a command line, with resources and, once
// finished, the outcome, the value or error, where it ran and how long it took.
import type { Measurement, ResourceAmounts, TaskOutcome, TaskResult } from '../protocol/messages.js';
import type { CheckedResult } from './core/result-payload.js';
import { encodeValue, decodeValue, decodeError } from '../protocol/payload.js';
import { resolveTaskOptions, type TaskOptions, type ResolvedTaskOptions } from './task-options.js';
import { shipFunction, type Shipment } from './function-shipment.js';
import { checkString, OptionError, describeValue } from './options.js';

/**
 * What became of a task:
 * - `success`: it ran to the end (a command's exit code is in `exitCode`, as in Work Queue);
 * - `exception`: the function threw or rejected (see `error`);
 * - `max-wall-time`: stopped at its `wallTime`;
 * - `thread-crash`: the function killed its thread (process.exit, an uncaught async throw, a fatal error);
 * - `cancelled`: `manager.cancel(id)` was called;
 * - `max-retries`: its worker was lost more than `retries` times;
 * - `output-missing`, `input-missing`: a command's declared file was not there;
 * - `environment-failure`: the function could not be packed or its bundle failed to load on the worker;
 * - `resource-exhaustion`: it needs more than any worker offers or used more than allowed;
 * - `result-too-large`: its value, arguments or files do not fit in one message of the link (512 MB).
 */
export type TaskResultName = TaskOutcome | 'max-retries';

const NO_GPUS: readonly number[] = Object.freeze([]);
/** The bytes of an empty argument list, encoded once: a call without arguments skips the serializer. */
const NO_ARGS: Uint8Array = encodeValue([]);

export type TaskState = 'new' | 'preparing' | 'waiting' | 'running' | 'done';

export interface TaskTimes {
  /** Epoch seconds. */
  submitted: number;
  dispatched: number;
  started: number;
  finished: number;
}

/** One literal site for every task's times, its fields made floating point once at load: otherwise each of a
 * million queued tasks changes shape when its first time is set (close() of a million took seconds). */
function newTimes(): TaskTimes {
  return { submitted: 0, dispatched: 0, started: 0, finished: 0 };
}
{
  const t = newTimes();
  t.submitted = t.dispatched = t.started = t.finished = 0.5;
}

export abstract class Task {
  id = 0;
  state: TaskState = 'new';
  result: TaskResultName | null = null;
  error: Error | null = null;
  /** Name of the worker that ran the last attempt. */
  worker: string | null = null;
  times: TaskTimes = newTimes();
  /** How many times its worker was lost while it ran. */
  lostCount = 0;
  /** GPU device ids it was given (shared empty array when none). */
  gpuIds: readonly number[] = NO_GPUS;
  /** What was reserved for its last attempt (the category's allocation, or what the task asked for). */
  allocation: ResourceAmounts | null = null;
  /** What it used, measured on the worker (seconds, cores, MB). */
  measured: (Measurement & { wallTime: number }) | null = null;
  /** Attempts that went over their allocation and were retried larger. */
  exhaustions = 0;
  /** @internal Called once when the task finishes, instead of handing it to wait(). */
  onDone: ((t: Task) => void) | null = null;
  protected opts: ResolvedTaskOptions;

  constructor(where: string, options?: TaskOptions) {
    this.opts = resolveTaskOptions(where, options);
  }

  /** Replaces resource and scheduling options; returns the task. */
  setOptions(options: TaskOptions): this {
    if (this.state !== 'new') throw new OptionError(`${this.constructor.name}.setOptions: the task was already submitted`);
    this.opts = resolveTaskOptions(`${this.constructor.name}.setOptions`, options);
    return this;
  }

  /** @internal Options already checked (remote() checks them once, not per call). */
  useResolvedOptions(o: ResolvedTaskOptions): this {
    this.opts = o;
    return this;
  }

  /** @internal The options as resolved (shared by every call of one remote() function). */
  get resolvedOptions(): ResolvedTaskOptions { return this.opts; }
  get category(): string { return this.opts.category; }
  get resources(): ResourceAmounts { return this.opts.resources; }
  /** @internal Resources the user set explicitly. */
  get explicitResources(): Partial<ResourceAmounts> { return this.opts.explicit; }
  get wallTime(): number | null { return this.opts.wallTime; }
  get retries(): number { return this.opts.retries; }
  get priority(): number { return this.opts.priority; }

  /** Seconds it ran on the worker. */
  get executionTime(): number { return this.times.finished && this.times.started ? this.times.finished - this.times.started : 0; }
  /** Seconds from submit to result. */
  get turnaroundTime(): number { return this.times.finished ? this.times.finished - this.times.submitted : 0; }

  /** Applies a worker's report. */
  absorb(r: TaskResult): void {
    this.result = r.outcome;
    this.times.started = r.started;
    this.times.finished = r.finished;
    if (r.gpuIds) this.gpuIds = r.gpuIds;
    if (r.measured) this.measured = { ...r.measured, wallTime: r.finished - r.started };
  }
}

/** Set only while FunctionTask.restore() builds a task. */
let restoring: Shipment | null = null;

export class FunctionTask<A extends unknown[] = unknown[], R = unknown> extends Task {
  readonly shipment: Shipment;
  readonly args: A;
  /** The return value, once `result` is 'success'. */
  output: R | undefined = undefined;
  /** The caller's stack, appended to a remote error's stack. */
  callerStack: { stack?: string } | null = null;
  /** @internal Arguments as sent, encoded at submit. */
  argBytes: Uint8Array | null = null;

  constructor(fn: (...args: A) => R | Promise<R>, ...args: A) {
    super('FunctionTask');
    this.shipment = restoring ?? shipFunction('FunctionTask', fn);
    this.args = args;
  }

  /** @internal A task read back from a journal: its bundle and encoded arguments, no function object. */
  static restore(shipment: Shipment, argBytes: Uint8Array, opts: ResolvedTaskOptions): FunctionTask {
    restoring = shipment;
    try {
      const t = new FunctionTask(() => undefined);
      t.argBytes = argBytes;
      return t.useResolvedOptions(opts);
    } finally {
      restoring = null;
    }
  }

  encodeArgs(): Uint8Array {
    if (this.args.length === 0) return NO_ARGS;
    try {
      // Copied into Node's shared buffer pool: a million queued calls then cost a slice each, not an allocation.
      return Buffer.from(encodeValue(this.args));
    } catch (err) {
      throw new OptionError(`${this.shipment.name}(): an argument cannot be sent to a worker (${(err as Error).message}); ` +
        'arguments must be structured-clonable (no functions, sockets or class instances with private state)');
    }
  }

  override absorb(r: TaskResult): void {
    super.absorb(r);
    // The dispatch core decoded the value when it checked it (in the application's thread: not posted over).
    if (r.outcome === 'success') {
      const checked = r as CheckedResult;
      if ('decoded' in checked) this.output = checked.decoded as R;
      else if (r.value) this.output = decodeValue(r.value) as R;
    }
    if (r.error) this.error = decodeError(r.error, this.callerStack?.stack);
  }
}

export class CommandTask extends Task {
  readonly command: string;
  env: Record<string, string> = {};
  readonly inputs: { localPath: string; name: string }[] = [];
  readonly outputs: { name: string; localPath: string }[] = [];
  /** @internal Content hashes of the inputs, read at submit. */
  inputHashes: string[] = [];
  exitCode: number | null = null;
  stdout = '';
  stderr = '';

  constructor(command: string, options?: TaskOptions) {
    super('CommandTask', options);
    this.command = checkString('CommandTask', 'command', command);
  }

  /** Copies a local file into the task's sandbox as `nameInSandbox` (cached on the worker by content). */
  addInput(localPath: string, nameInSandbox: string): this {
    this.inputs.push({ localPath: checkString('CommandTask.addInput', 'localPath', localPath), name: checkSandboxName('addInput', nameInSandbox) });
    return this;
  }

  /** Brings `nameInSandbox` back from the sandbox to `localPath` when the command ends. */
  addOutput(nameInSandbox: string, localPath: string): this {
    this.outputs.push({ name: checkSandboxName('addOutput', nameInSandbox), localPath: checkString('CommandTask.addOutput', 'localPath', localPath) });
    return this;
  }

  override absorb(r: TaskResult): void {
    super.absorb(r);
    this.exitCode = r.exitCode ?? null;
    this.stdout = r.stdout ?? '';
    this.stderr = r.stderr ?? '';
    if (r.error) this.error = decodeError(r.error);
  }
}

function checkSandboxName(where: string, name: unknown): string {
  const n = checkString(`CommandTask.${where}`, 'nameInSandbox', name);
  if (n.startsWith('/') || n.split(/[\\/]/).includes('..')) {
    throw new OptionError(`CommandTask.${where}: nameInSandbox expects a relative path inside the sandbox, got ${describeValue(name)}`);
  }
  return n;
}
