// Warm piscina threads that run function calls. A call that kills its thread (process.exit, an uncaught
// async throw) or is aborted (wall time, cancel) costs only that thread: piscina replaces it.
import { Piscina } from 'piscina';
import { availableParallelism } from 'node:os';
import type { SerializedError, TaskOutcome } from '../lib/protocol/messages.js';
import { encodeError } from '../lib/protocol/payload.js';
import type { ThreadCall, ThreadOutcome } from './thread-task.js';

export type PoolFailure = { outcome: TaskOutcome; error: SerializedError };

export class FunctionPool {
  private readonly pool: Piscina;

  constructor(threads: number) {
    const max = Math.max(1, Math.ceil(threads));
    this.pool = new Piscina({
      filename: new URL('./thread-task.js', import.meta.url).href,
      maxThreads: max,
      // Start as many threads as the machine can run at once; more come when a big worker fills up.
      minThreads: Math.min(max, availableParallelism()),
      idleTimeout: 60_000,
      maxQueue: Infinity,
    });
  }

  /** Runs calls one after another in one thread; a crashed or stopped thread becomes a PoolFailure. */
  async run(calls: ThreadCall[], signal: AbortSignal | null): Promise<ThreadOutcome[] | PoolFailure> {
    try {
      return (await this.pool.run(calls, signal ? { signal } : undefined)) as ThreadOutcome[];
    } catch (err) {
      if (signal?.aborted) {
        const why = signal.reason as { outcome?: TaskOutcome; message?: string } | undefined;
        return { outcome: why?.outcome ?? 'cancelled', error: encodeError(new Error(why?.message ?? 'stopped')) };
      }
      const crash = new Error(`the function's thread died: ${(err as Error).message}`);
      crash.name = 'ThreadCrashError';
      return { outcome: 'thread-crash', error: encodeError(crash) };
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
