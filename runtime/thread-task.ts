// Runs inside a piscina thread: loads a function's bundle once per thread, calls it, and returns the
// outcome with the value or error already encoded, so the worker's main thread only forwards bytes.
import { pathToFileURL } from 'node:url';
import { serialize, deserialize } from 'node:v8';
import { encodeError } from '../lib/protocol/payload.js';
import type { SerializedError, TaskOutcome } from '../lib/protocol/messages.js';

export interface ThreadJob {
  file: string;
  exportName: string;
  args: Uint8Array;
  gpuIds: number[] | null;
}

export interface ThreadOutcome {
  outcome: TaskOutcome;
  value?: Uint8Array;
  error?: SerializedError;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

export default async function runCall(job: ThreadJob): Promise<ThreadOutcome> {
  let fn: unknown;
  try {
    let mod = modules.get(job.file);
    if (!mod) {
      mod = import(pathToFileURL(job.file).href) as Promise<Record<string, unknown>>;
      modules.set(job.file, mod);
    }
    const ns = await mod;
    fn = ns[job.exportName] ?? (ns.default as Record<string, unknown> | undefined)?.[job.exportName];
  } catch (err) {
    return { outcome: 'environment-failure', error: encodeError(err) };
  }
  if (typeof fn !== 'function') {
    return { outcome: 'environment-failure', error: encodeError(new Error(`the bundle ${job.file} does not export a function "${job.exportName}"`)) };
  }
  // Worker threads have their own copy of process.env, so this does not leak into other calls' threads.
  if (job.gpuIds) process.env.CUDA_VISIBLE_DEVICES = job.gpuIds.join(',');
  let value: unknown;
  try {
    value = await fn(...(deserialize(job.args) as unknown[]));
  } catch (err) {
    return { outcome: 'exception', error: encodeError(err) };
  }
  try {
    return { outcome: 'success', value: serialize(value) };
  } catch (err) {
    const e = new TypeError(`the return value cannot be sent back: ${(err as Error).message}`);
    return { outcome: 'exception', error: encodeError(e) };
  }
}
