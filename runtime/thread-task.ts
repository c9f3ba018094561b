// Runs inside a piscina thread: loads a function's bundle once per thread, calls it, and returns the
// outcome with the value or error already encoded, so the worker's main thread only forwards bytes.
// A job may carry several short calls, run one after another: one thread hop for many calls.
import { serialize, deserialize } from 'node:v8';
import { encodeError } from '../protocol/payload.js';
import type { Measurement, SerializedError, TaskOutcome } from '../protocol/messages.js';
import { ThreadUsage } from './thread-usage.js';
import { loadBundle, saveCompileCaches } from './load-bundle.js';
import { oversize } from '../protocol/frame-limit.js';
import { collectGarbage, LARGE_VALUE_BYTES } from './collect-garbage.js';
import { Piscina } from 'piscina';

export interface ThreadCall {
  file: string;
  exportName: string;
  args: Uint8Array;
  gpuIds: number[] | null;
}

export interface ThreadOutcome {
  outcome: TaskOutcome;
  value?: Uint8Array;
  error?: SerializedError;
  /** Epoch seconds, measured in the thread. */
  started: number;
  finished: number;
  measured?: Measurement;
}

type Namespace = Record<string, unknown>;
type CallResult = Omit<ThreadOutcome, 'started' | 'finished'>;

/** Bundles by file: the import under way (or failed), and the namespace once it is in. */
const modules = new Map<string, Promise<Namespace>>();
const loaded = new Map<string, Namespace>();

export interface ThreadJob {
  calls: ThreadCall[];
  /** Watch garbage collections for the memory peak (off for jobs of sub-millisecond calls). */
  watchCollections: boolean;
}

export default async function runCalls(job: ThreadJob): Promise<ThreadOutcome[]> {
  const calls = job.calls;
  if (calls.length === 0) {
    new ThreadUsage(job.watchCollections).stop(); // a warm-up job: this code runs compiled from the first call on
    return [];
  }
  const out: ThreadOutcome[] = new Array(calls.length);
  // Measured per job: a batch of short calls shares its CPU time by wall time and reports its peak.
  const usage = new ThreadUsage(job.watchCollections);
  for (let i = 0; i < calls.length; i++) {
    const started = Date.now() / 1000;
    let r = runCall(calls[i]);
    // Only a promise is awaited: a synchronous call costs no turns of the microtask queue.
    if (r instanceof Promise) r = await r;
    out[i] = { ...r, started, finished: Date.now() / 1000 };
  }
  const { cpuTime, memory } = usage.stop();
  const wall = out[out.length - 1].finished - out[0].started;
  for (const o of out) {
    const share = wall > 0 ? (o.finished - o.started) / wall : 1 / out.length;
    o.measured = { cpuTime: cpuTime * share, memory };
  }
  // Now, not later: piscina's idle threads block in Atomics.wait, so no timer would run before the next job.
  saveCompileCaches();
  return large(out) ?? out;
}

/** Large values are moved to the main thread rather than copied, and this thread collects their garbage now:
 * an idle thread runs no collection, so the value would otherwise stay resident. */
/** A large value went through this job (maybe one refused as too large): collect after it. */
let sawLarge = false;

function large(out: ThreadOutcome[]): ThreadOutcome[] | null {
  let bytes = 0;
  const moved: ArrayBuffer[] = [];
  for (const o of out) {
    if (!o.value) continue;
    bytes += o.value.byteLength;
    if (o.value.byteLength === o.value.buffer.byteLength && o.value.buffer instanceof ArrayBuffer) moved.push(o.value.buffer);
  }
  if (bytes < LARGE_VALUE_BYTES && !sawLarge) return null;
  sawLarge = false;
  collectGarbage();
  if (moved.length === 0) return null;
  return Piscina.move({ [Piscina.transferableSymbol]: moved, [Piscina.valueSymbol]: out } as never) as unknown as ThreadOutcome[];
}

function runCall(call: ThreadCall): CallResult | Promise<CallResult> {
  const ns = loaded.get(call.file);
  if (ns) return callIn(ns, call);
  let mod = modules.get(call.file);
  if (!mod) {
    mod = loadBundle(call.file).then((n) => {
      loaded.set(call.file, n);
      return n;
    });
    modules.set(call.file, mod);
    mod.catch(() => modules.delete(call.file)); // a bundle fetched again is loaded afresh
  }
  return mod.then((n) => callIn(n, call), (err: unknown): CallResult => ({ outcome: 'environment-failure', error: encodeError(err) }));
}

/** Calls the function; a promise it returns is settled before its value is encoded. */
function callIn(ns: Namespace, call: ThreadCall): CallResult | Promise<CallResult> {
  const fn = ns[call.exportName] ?? (ns.default as Namespace | undefined)?.[call.exportName];
  if (typeof fn !== 'function') {
    return { outcome: 'environment-failure', error: encodeError(new Error(`the bundle ${call.file} does not export a function "${call.exportName}"`)) };
  }
  // Worker threads have their own copy of process.env, so this does not leak into other calls' threads.
  if (call.gpuIds) process.env.CUDA_VISIBLE_DEVICES = call.gpuIds.join(',');
  let value: unknown;
  try {
    value = fn(...(deserialize(call.args) as unknown[]));
    if (isThenable(value)) return Promise.resolve(value).then(returned, threw);
  } catch (err) {
    return threw(err);
  }
  return returned(value);
}

function isThenable(v: unknown): boolean {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function returned(value: unknown): CallResult {
  try {
    const bytes = serialize(value);
    if (bytes.byteLength >= LARGE_VALUE_BYTES) sawLarge = true;
    const over = oversize('the return value', bytes.byteLength);
    if (over) return { outcome: 'result-too-large', error: encodeError(new RangeError(over)) };
    return { outcome: 'success', value: bytes };
  } catch (err) {
    const e = new TypeError(`the return value cannot be sent back: ${(err as Error).message}`);
    return { outcome: 'exception', error: encodeError(e) };
  }
}

function threw(err: unknown): CallResult {
  return { outcome: 'exception', error: encodeError(err) };
}
