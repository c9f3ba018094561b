// remote(fn): an async function with fn's parameters whose calls run on a worker.
import { Manager } from './manager.js';
import { FunctionTask } from './task.js';
import { shipFunction } from './function-shipment.js';
import { resolveTaskOptions, type TaskOptions } from './task-options.js';
import { OptionError, describeValue } from './options.js';

export interface RemoteOptions extends TaskOptions {
  /** The manager that runs the calls. Default: the one set by configure(), else an embedded local pool. */
  manager?: Manager;
  /**
   * Globs, relative to the project root (the folder of the nearest package.json), of files shipped with
   * the function whatever the analysis found: what it reads through paths no analysis can see.
   */
  include?: string[];
}

let defaultManager: Manager | null = null;

/** Sets the manager remote() functions use when their options name none. */
export function configure(options: { manager?: Manager | null }): void {
  if (!options || typeof options !== 'object') throw new OptionError(`configure: expected an object, got ${describeValue(options)}`);
  if (options.manager != null && !(options.manager instanceof Manager)) {
    throw new OptionError(`configure: option "manager" expects a Manager, got ${describeValue(options.manager)}`);
  }
  defaultManager = options.manager ?? null;
}

/** The manager remote() uses by default, starting the embedded local pool on first use. */
export function currentManager(): Manager {
  defaultManager ??= Manager.local({});
  return defaultManager;
}

export type RemoteFunction<A extends unknown[], R> = (...args: A) => Promise<Awaited<R>>;

export function remote<A extends unknown[], R>(fn: (...args: A) => R, options?: RemoteOptions): RemoteFunction<A, R> {
  const resolved = resolveTaskOptions('remote()', options, ['manager', 'include']);
  const include = checkInclude(options?.include);
  const manager = options?.manager;
  if (manager !== undefined && !(manager instanceof Manager)) {
    throw new OptionError(`remote(): option "manager" expects a Manager, got ${describeValue(manager)}`);
  }
  shipFunction('remote()', fn, include);
  const call = (...args: A): Promise<Awaited<R>> => {
    const task = new FunctionTask(fn, ...args).useResolvedOptions(resolved);
    // Stack frames are captured now but only formatted if a remote error needs them.
    const site: { stack?: string } = {};
    Error.captureStackTrace(site, call);
    task.callerStack = site;
    return (manager ?? currentManager()).run(task) as Promise<Awaited<R>>;
  };
  Object.defineProperty(call, 'name', { value: fn.name });
  return call;
}

function checkInclude(value: unknown): string[] {
  if (value === undefined) return [];
  const bad = (got: string): never => {
    throw new OptionError(`remote(): option "include" expects an array of glob strings relative to the project root (e.g. ['data/**']), got ${got}`);
  };
  if (!Array.isArray(value)) return bad(describeValue(value));
  for (const p of value) {
    if (typeof p !== 'string' || p.length === 0) bad(`an array holding ${describeValue(p)}`);
    else if (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.split(/[\\/]/).includes('..')) bad(`'${p}' (a path outside the project)`);
  }
  return value as string[];
}
