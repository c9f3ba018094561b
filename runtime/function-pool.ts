// Warm piscina threads that run function calls. A call that kills its thread (process.exit, an uncaught
// async throw) or is aborted (wall time, cancel) costs only that thread: piscina replaces it.
import { Piscina } from 'piscina';
import { availableParallelism } from 'node:os';
import { encodeError } from '../lib/protocol/payload.js';
import type { ThreadJob, ThreadOutcome } from './thread-task.js';

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

  /** Runs one call; never rejects: a crashed or stopped thread becomes an outcome. */
  async run(job: ThreadJob, signal: AbortSignal): Promise<ThreadOutcome> {
    try {
      return (await this.pool.run(job, { signal })) as ThreadOutcome;
    } catch (err) {
      if (signal.aborted) {
        const why = signal.reason as { outcome?: ThreadOutcome['outcome']; message?: string } | undefined;
        return { outcome: why?.outcome ?? 'cancelled', error: encodeError(new Error(why?.message ?? 'stopped')) };
      }
      const e = err as Error;
      const crash = new Error(`the function's thread died: ${e.message}`);
      crash.name = 'ThreadCrashError';
      return { outcome: 'thread-crash', error: encodeError(crash) };
    }
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
