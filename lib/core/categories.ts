// Per-category allocation in the dispatch core: each category has a CategoryAllocator (lib/allocation) that
// learns from measured tasks; the allocation of each attempt comes from it, overridden by whatever the task
// set explicitly. Also keeps the per-category figures status() reports.
import { CategoryAllocator, type AllocationMode, type Resources } from '../allocation/index.js';
import type { Measurement, ResourceAmounts, TaskResult } from '../../protocol/messages.js';
import type { CategoryStatus } from '../status.js';

type Amount = 'cores' | 'memory' | 'disk';
const AMOUNTS: Amount[] = ['cores', 'memory', 'disk'];

interface Figures {
  done: number;
  exhaustions: number;
  max: Record<Amount, number>;
  sum: Record<Amount, number>;
  /** Σ used·wall and Σ allocated·wall over attempts (a failed attempt charged its allocation). */
  usedTime: Record<Amount, number>;
  allocatedTime: Record<Amount, number>;
}

interface Category {
  allocator: CategoryAllocator;
  mode: AllocationMode;
  /** Set by setCategoryFirstAllocation: in mode fixed it replaces the tasks' defaults. */
  first: Partial<Resources> | null;
  figures: Figures;
}

const zero = (): Record<Amount, number> => ({ cores: 0, memory: 0, disk: 0 });

/** What a measurement says a task used, per resource (cores: the peak if sampled, else CPU time / wall time). */
export function usedAmounts(m: Measurement | undefined, wall: number): Record<Amount, number> {
  if (!m) return zero();
  return { cores: m.coresPeak ?? (wall > 0 ? m.cpuTime / wall : 0), memory: m.memory, disk: m.disk ?? 0 };
}

export class Categories {
  private readonly map = new Map<string, Category>();
  private largest: Partial<Resources> = {};

  private get(name: string): Category {
    let c = this.map.get(name);
    if (!c) {
      c = { allocator: new CategoryAllocator({ worker: this.largest }), mode: 'fixed', first: null,
        figures: { done: 0, exhaustions: 0, max: zero(), sum: zero(), usedTime: zero(), allocatedTime: zero() } };
      this.map.set(name, c);
    }
    return c;
  }

  setMode(name: string, mode: AllocationMode): void {
    const c = this.get(name);
    c.allocator.setMode(mode);
    c.mode = mode;
  }

  modeOf(name: string): AllocationMode {
    return this.get(name).mode;
  }

  setMax(name: string, max: Partial<Resources>): void {
    this.get(name).allocator.setMax(max);
  }

  setFirst(name: string, first: Partial<Resources>): void {
    const c = this.get(name);
    c.allocator.setFirst(first);
    c.first = first;
  }

  /** The largest connected worker: what "a whole worker" and the probe are sized from. */
  setLargestWorker(w: ResourceAmounts | null): void {
    this.largest = w ? { ...w } : {};
    for (const c of this.map.values()) c.allocator.setWorker(this.largest);
  }

  /** The first attempt's allocation. In mode fixed a task gets what it asks for (its options, or the
   * category's first allocation where it set none); in the other modes the allocator decides. */
  firstAllocation(category: string, asked: ResourceAmounts, explicit: Partial<ResourceAmounts>): ResourceAmounts {
    const c = this.get(category);
    if (c.mode === 'fixed') return c.first ? merge(asked, c.first, explicit) : asked;
    return merge(asked, c.allocator.firstAllocation(explicit), explicit);
  }

  /** Records a finished attempt; returns the next allocation after an exhaustion, or why there is none. */
  record(category: string, r: TaskResult, allocation: ResourceAmounts, explicit: Partial<ResourceAmounts>):
    ResourceAmounts | string | null {
    const c = this.get(category);
    const wall = Math.max(0, r.finished - r.started);
    const used = usedAmounts(r.measured, wall);
    const f = c.figures;
    for (const k of AMOUNTS) f.allocatedTime[k] += allocation[k] * wall;
    const exhausted = r.outcome === 'resource-exhaustion' && r.exhausted;
    if (!exhausted) {
      if (r.outcome !== 'success' && r.outcome !== 'exception') return null;
      f.done++;
      for (const k of AMOUNTS) {
        f.usedTime[k] += used[k] * wall;
        f.max[k] = Math.max(f.max[k], used[k]);
        f.sum[k] += used[k];
      }
      c.allocator.observe({ ...used, wallTime: wall }, 'success');
      return null;
    }
    f.exhaustions++;
    const measured = { ...used, [r.exhausted!.resource]: Math.max(used[r.exhausted!.resource], r.exhausted!.measured) };
    c.allocator.observe({ ...measured, wallTime: wall }, 'exhausted');
    if (explicit[r.exhausted!.resource] !== undefined) {
      return `${r.exhausted!.resource}: used ${fmt(r.exhausted!.measured)}, over the ${fmt(explicit[r.exhausted!.resource]!)} the task asked for`;
    }
    const next = c.allocator.nextAllocation(toVector(allocation), [r.exhausted!.resource], measured, explicit);
    if (!next.retry) return next.reason;
    return merge(allocation, next.allocation, explicit);
  }

  status(live: Map<string, { waiting: number; running: number; sample: ResourceAmounts | null }>): CategoryStatus[] {
    const names = new Set([...this.map.keys(), ...live.keys()]);
    return [...names].map((name) => {
      const c = this.get(name);
      const f = c.figures;
      const l = live.get(name) ?? { waiting: 0, running: 0, sample: null };
      const allocation = l.sample ?? this.firstAllocation(name, { cores: 1, memory: 0, disk: 0, gpus: 0 }, {});
      const mean = zero();
      const efficiency = zero();
      for (const k of AMOUNTS) {
        mean[k] = f.done ? f.sum[k] / f.done : 0;
        efficiency[k] = f.allocatedTime[k] > 0 ? f.usedTime[k] / f.allocatedTime[k] : 0;
      }
      return { name, mode: c.mode, waiting: l.waiting, running: l.running, done: f.done, exhaustions: f.exhaustions,
        allocation, measuredMax: { ...f.max }, measuredMean: mean, efficiency };
    });
  }
}

function toVector(a: ResourceAmounts): Resources {
  return { cores: a.cores, memory: a.memory, disk: a.disk, gpus: a.gpus, wallTime: 0 };
}

/** The base amounts, replaced by the allocator's non-zero ones, replaced by what the task set itself. */
function merge(base: ResourceAmounts, alloc: Partial<Resources>, explicit: Partial<ResourceAmounts>): ResourceAmounts {
  const out = { ...base };
  for (const k of ['cores', 'memory', 'disk', 'gpus'] as const) {
    if (alloc[k]) out[k] = alloc[k]!;
    if (explicit[k] !== undefined) out[k] = explicit[k]!;
  }
  return out;
}

function fmt(mb: number): string {
  return `${+mb.toFixed(1)} MB`;
}
