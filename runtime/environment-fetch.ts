// The worker's side of getting an environment it lacks: a task whose bundle is not on this node (refused,
// evicted by the cache cap, or removed by another process sharing the cache) waits here while the worker
// asks the manager for the bundle again. A copy that is refused once more fails its tasks: unverified code
// never runs.
import type { FunctionTaskSpec } from '../protocol/messages.js';
import type { BundleStore } from './bundle-store.js';
import type { EnvFile } from '../protocol/environment-files.js';

export interface EnvironmentFetchHooks {
  /** Sends `env-request` for the hash to the manager. */
  ask(hash: string): void;
  /** The bundle is here now: these tasks can run. */
  ready(specs: FunctionTaskSpec[]): void;
  /** The copy asked for again was refused too: these tasks fail with this message. */
  failed(specs: FunctionTaskSpec[], message: string): void;
  log(line: string): void;
}

/** How often a hash is asked for again before its tasks fail. */
const ASKS = 1;

export class EnvironmentFetch {
  private readonly waiting = new Map<string, { specs: FunctionTaskSpec[]; asked: number }>();

  constructor(private readonly store: BundleStore, private readonly hooks: EnvironmentFetchHooks) {}

  /**
   * Stores an environment the manager sent (its files' contents found by `contentOf`), keeping those `inUse`
   * names through eviction; releases its waiting tasks.
   */
  receive(hash: string, code: string, inUse: () => Set<string>, files: readonly EnvFile[] = [], contentOf?: (hash: string) => string | null): void {
    let problem: string | null;
    try {
      problem = this.store.put(hash, code, () => {
        const keep = inUse();
        for (const h of this.waiting.keys()) keep.add(h);
        return keep;
      }, files, contentOf);
    } catch (err) {
      problem = `it could not be laid out on this node: ${(err as Error).message}`; // a full disk, a read-only cache
    }
    const w = this.waiting.get(hash);
    if (problem) {
      this.hooks.log(`trellis worker: refused environment ${hash}: ${problem}`);
      if (!w) return;
      if (w.asked < ASKS) return this.ask(hash, w);
      this.waiting.delete(hash);
      this.hooks.failed(w.specs, `environment ${hash} did not arrive intact, also when asked for again (${problem}); its code was not run`);
      return;
    }
    if (!w) return;
    this.waiting.delete(hash);
    this.hooks.ready(w.specs);
  }

  /** Holds a task whose bundle is not here, asking for it the first time. */
  await(spec: FunctionTaskSpec): void {
    let w = this.waiting.get(spec.env);
    if (!w) {
      this.waiting.set(spec.env, (w = { specs: [], asked: 0 }));
      this.ask(spec.env, w);
    }
    w.specs.push(spec);
  }

  /** After a thread could not read a bundle: true when it is gone from disk (the task should wait for it). */
  vanished(hash: string, code: unknown): boolean {
    if (code !== 'ENOENT' && code !== 'ERR_MODULE_NOT_FOUND') return false;
    this.store.forget(hash);
    return this.store.pathOf(hash) === null;
  }

  /** Takes a waiting task out (it was cancelled); returns it, or null when none has this id. */
  take(id: number): FunctionTaskSpec | null {
    for (const [hash, w] of this.waiting) {
      const i = w.specs.findIndex((s) => s.id === id);
      if (i < 0) continue;
      const [spec] = w.specs.splice(i, 1);
      if (w.specs.length === 0) this.waiting.delete(hash);
      return spec;
    }
    return null;
  }

  clear(): void {
    this.waiting.clear();
  }

  private ask(hash: string, w: { asked: number }): void {
    w.asked++;
    this.hooks.ask(hash);
  }
}
