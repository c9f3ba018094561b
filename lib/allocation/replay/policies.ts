// How the replay sizes attempts: a CategoryAllocator per category for the six modes (the same class the
// manager uses), or one of the two references — `oracle` (each task gets exactly what it uses) and
// `whole-worker` (each task gets a whole worker).
import { type CategoryAllocator, type NextAllocation } from '../category-allocator.js';
import { CategoryPool, type PoolSettings } from '../category-pool.js';
import { ALLOCATION_MODES, isAllocationMode, type AllocationMode } from '../modes.js';
import { resources, type ResourceName, type Resources } from '../resources.js';
import type { TraceTask } from './trace.js';

export const REFERENCE_MODES = ['oracle', 'whole-worker'] as const;
export const REPLAY_MODES = [...ALLOCATION_MODES, ...REFERENCE_MODES] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

export function parseReplayMode(name: unknown, what = '--mode'): ReplayMode {
  if (typeof name !== 'string' || !(REPLAY_MODES as readonly string[]).includes(name)) {
    throw new TypeError(`${what}: expected one of ${REPLAY_MODES.join(', ')} or all, got ${JSON.stringify(name)}`);
  }
  return name as ReplayMode;
}

export type WorkerSize = Pick<Resources, 'cores' | 'memory' | 'disk'>;

export interface Policy {
  first(task: TraceTask): Resources;
  /**
   * Tasks with the same key get the same first allocation until the next observation (null: no such
   * promise, e.g. a random draw per task): a scheduling pass skips them once one did not fit.
   */
  firstKey(task: TraceTask): string | null;
  /** True when a task's first allocation never changes: the replay computes it once per task. */
  readonly fixed: boolean;
  observe(task: TraceTask, measured: Partial<Resources>, outcome: 'success' | 'exhausted'): void;
  next(task: TraceTask, previous: Resources, exhausted: ResourceName[], measured: Partial<Resources>): NextAllocation;
}

class AllocatorPolicy implements Policy {
  readonly fixed = false;
  private readonly pool: CategoryPool;

  constructor(
    private readonly mode: AllocationMode, worker: WorkerSize, seed: number, settings: Partial<PoolSettings>,
  ) {
    this.pool = new CategoryPool({ ...settings, mode, worker, seed });
  }

  private category(name: string): CategoryAllocator {
    return this.pool.get(name);
  }

  first(task: TraceTask): Resources {
    return this.category(task.category).firstAllocation();
  }

  firstKey(task: TraceTask): string | null {
    return this.mode === 'greedy-bucketing' || this.mode === 'exhaustive-bucketing' ? null : task.category;
  }

  observe(task: TraceTask, measured: Partial<Resources>, outcome: 'success' | 'exhausted'): void {
    this.pool.observe(task.category, measured, outcome);
  }

  next(task: TraceTask, previous: Resources, exhausted: ResourceName[], measured: Partial<Resources>): NextAllocation {
    return this.category(task.category).nextAllocation(previous, exhausted, measured);
  }
}

class FixedPolicy implements Policy {
  readonly fixed = true;
  constructor(private readonly size: (task: TraceTask) => Resources, private readonly same: boolean) {}

  firstKey(): string | null {
    return this.same ? '' : null;
  }

  first(task: TraceTask): Resources {
    return this.size(task);
  }

  observe(): void {}

  next(_task: TraceTask, _previous: Resources, exhausted: ResourceName[]): NextAllocation {
    return { retry: false, resource: exhausted[0], reason: `${exhausted[0]}: needs more than a whole worker` };
  }
}

/** `settings`: extra category settings for the allocation modes (mode, worker and seed are set here). */
export function makePolicy(mode: ReplayMode, worker: WorkerSize, seed: number, settings: Partial<PoolSettings> = {}): Policy {
  if (isAllocationMode(mode)) return new AllocatorPolicy(mode, worker, seed, settings);
  if (mode === 'oracle') return new FixedPolicy((t) => resources(t.used), false);
  return new FixedPolicy(() => resources(worker), true);
}
