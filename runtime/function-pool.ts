// Warm piscina threads that run function calls, one pool per memory allocation: a pool's threads have a
// V8 heap limit of that allocation, so a call that grows past it kills only its own thread. A call that
// kills its thread (process.exit, an uncaught async throw) or is aborted (wall time, cancel) costs only
// that thread: piscina replaces it.
import { Piscina } from 'piscina';
import { availableParallelism } from 'node:os';
import type { SerializedError, TaskOutcome, TaskResult } from '../protocol/messages.js';
import { encodeError } from '../protocol/payload.js';
import type { ThreadCall, ThreadJob, ThreadOutcome } from './thread-task.js';
import type { CallAbort } from './call-abort.js';

export type PoolFailure = { outcome: TaskOutcome; error: SerializedError; exhausted?: TaskResult['exhausted'] };

/** Below this a thread cannot even start; smaller allocations get this heap limit. */
const MIN_HEAP_MB = 16;

export class FunctionPool {
  private readonly pools = new Map<number, Piscina>();

  constructor(private readonly threads: number) {
    // The unlimited pool starts warm: its threads are started and each runs the call path once, so
    // a new worker's first call does not pay for loading and compiling Trellis's own thread code.
    const p = this.pool(0);
    for (let i = 0; i < p.options.minThreads; i++) p.run({ calls: [], watchCollections: true } satisfies ThreadJob).catch(() => {});
  }

  private pool(memoryMb: number): Piscina {
    const key = Math.ceil(memoryMb);
    let p = this.pools.get(key);
    if (!p) {
      const max = Math.max(1, Math.ceil(this.threads));
      p = new Piscina({
        filename: new URL('./thread-task.js', import.meta.url).href,
        maxThreads: max,
        // Start as many threads as the machine can run at once; more come when a big worker fills up.
        minThreads: key === 0 ? Math.min(max, availableParallelism()) : 0,
        idleTimeout: 60_000,
        maxQueue: Infinity,
        // Threads are measured per job (thread-usage.ts); piscina's own timing histograms go unread.
        recordTiming: false,
        resourceLimits: key === 0 ? undefined : { maxOldGenerationSizeMb: Math.max(MIN_HEAP_MB, key) },
      });
      this.pools.set(key, p);
    }
    return p;
  }

  /** Runs calls one after another in one thread; a crashed or stopped thread becomes a PoolFailure. */
  run(calls: ThreadCall[], memoryMb: number, signal: CallAbort | null, watchCollections: boolean): Promise<ThreadOutcome[] | PoolFailure> {
    const job: ThreadJob = { calls, watchCollections };
    let ran: Promise<ThreadOutcome[]>;
    try {
      ran = this.pool(memoryMb).run(job, signal ? { signal } : undefined) as Promise<ThreadOutcome[]>;
    } catch (err) {
      return Promise.resolve(failure(err, memoryMb, signal));
    }
    // then() on piscina's promise rather than an async wrapper: one promise and one turn fewer per job.
    return ran.then(undefined, (err: unknown) => failure(err, memoryMb, signal));
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy()));
  }
}

/** What became of a job whose promise rejected: stopped, out of memory, or its thread died. */
function failure(err: unknown, memoryMb: number, signal: CallAbort | null): PoolFailure {
  if (signal?.aborted) {
    const why = signal.reason as { outcome?: TaskOutcome; message?: string } | undefined;
    return { outcome: why?.outcome ?? 'cancelled', error: encodeError(new Error(why?.message ?? 'stopped')) };
  }
  const e = err as Error & { code?: string };
  if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const msg = `memory: the call's heap grew past its allocation of ${memoryMb} MB`;
    return { outcome: 'resource-exhaustion', error: encodeError(new Error(msg)),
      exhausted: { resource: 'memory', allocated: memoryMb, measured: memoryMb } };
  }
  const crash = new Error(`the function's thread died: ${e.message}`);
  crash.name = 'ThreadCrashError';
  return { outcome: 'thread-crash', error: encodeError(crash) };
}
