// The allocation state of one category: fed with the measurements of completed tasks, it answers the
// allocation for a task's first attempt and, after an exhaustion, for its next one. The manager and
// `trellis allocate` both use this class, so a replay exercises the code that runs live.
import { AUTO_RESOURCES, checkPartial, formatAmount, resources, type AutoResource, type ResourceName, type Resources } from './resources.js';
import { BUCKETING_MODES, HISTOGRAM_MODES, parseAllocationMode, type AllocationMode } from './modes.js';
import { Histogram } from './histogram.js';
import { maxSeen, maxThroughput, minWaste } from './histogram-modes.js';
import { BucketingState, escalate, type ResourcePredictor } from './bucketing.js';
import { LadderState } from './ladder-state.js';
import type { ValueBucket } from './bucket-types.js';
import { seededRandom } from './random.js';
import { DEFAULT_WINDOW } from './point-window.js';

/**
 * The probe: what a task of a category with no measurements yet gets, unless `first` says otherwise.
 * 1 core, and a per-core share of the worker's memory and disk (worker.memory / worker.cores); 1000 MB
 * each (TaskVine's bucketing defaults) when the worker is unknown. Each retry doubles the exhausted
 * resources (at least to what was measured) until the category has learned.
 */
export const DEFAULT_PROBE: Readonly<Record<AutoResource, number>> = Object.freeze({ cores: 1, memory: 1000, disk: 1000 });

export function probeFor(worker: Partial<Resources>): Record<AutoResource, number> {
  const probe = { ...DEFAULT_PROBE };
  if (worker.cores && worker.cores >= 1) {
    if (worker.memory) probe.memory = Math.floor(worker.memory / worker.cores);
    if (worker.disk) probe.disk = Math.floor(worker.disk / worker.cores);
  }
  return probe;
}

/**
 * cost-bucketing's probe: the geometric mean between one core's share of the worker and the whole
 * worker, i.e. √cores cores and 1/√cores of its memory and disk (8 cores and 1/8 of a 64-core worker).
 * A task's need can be anything from one core's share to a whole worker; this probe keeps the worst
 * ratio either way (need / probe: stretched or exhausted; probe / need: wasted) to √cores, where one
 * core's share risks a 64x stretch or failure and a whole worker waits for an idle worker in a busy pool.
 */
export function costProbeFor(worker: Partial<Resources>): Record<AutoResource, number> {
  const probe = { ...DEFAULT_PROBE };
  if (worker.cores && worker.cores >= 1) {
    const k = Math.sqrt(worker.cores);
    probe.cores = k;
    if (worker.memory) probe.memory = Math.floor(worker.memory / k);
    if (worker.disk) probe.disk = Math.floor(worker.disk / k);
  }
  return probe;
}

/** Work Queue's histogram bucket sizes. */
export const HISTOGRAM_BUCKET_SIZES: Readonly<Record<AutoResource, number>> = Object.freeze({ cores: 1, memory: 250, disk: 250 });

export interface CategorySettings {
  /** Default `fixed`, as in Work Queue. */
  mode?: AllocationMode;
  /** Explicit maximum: a task needing more of a resource fails instead of being retried larger. */
  max?: Partial<Resources>;
  /** The first allocation (the allocation itself in mode fixed; the probe in the other modes). */
  first?: Partial<Resources>;
  /** Allocation before the category has learned, for resources `first` does not set. */
  probe?: Partial<Record<AutoResource, number>>;
  /** The largest worker: what "a whole worker" means when no maximum is given. */
  worker?: Partial<Resources>;
  /** Successful completions before learned allocations are used (default 25 for the histogram modes, 10 for TaskVine's bucketing, 1 for cost-bucketing). */
  samples?: number;
  /** Histogram modes recompute their first allocation every this many completions (default 25). */
  updateEvery?: number;
  /** Seed of bucketing's random draws. */
  seed?: number;
  /**
   * Cores are enforced (as under cgroups): an attempt with fewer cores than the task uses is an
   * exhaustion, and cores are learned like memory (a ladder, retries), not stretched. Default false.
   */
  enforceCores?: boolean;
  /**
   * A retry at a level taken from measurements (the largest value seen, a bucket, a ladder level) gets
   * level·(1 + retryMargin): the task is known to need more than it had, and a peak measured once is
   * rarely the most a similar task needs. Default 0.05.
   */
  retryMargin?: number;
  /**
   * cost-bucketing: how much the other resources an attempt holds count in its price. An attempt of r
   * costs level/worker[r] + overheadWeight × Σ (mean use of each other resource / its worker size):
   * 0 prices r alone (the tightest ladder for r, more retries), 1 (default) charges a failed attempt
   * the shares of the worker it also held.
   */
  overheadWeight?: number;
}

export type Outcome = 'success' | 'exhausted';

/** The answer after an exhaustion: the allocation to retry with, or why the task fails. */
export type NextAllocation =
  | { retry: true; allocation: Resources }
  | { retry: false; resource: ResourceName; reason: string };

export interface CategoryState {
  mode: AllocationMode;
  completed: number;
  exhaustions: number;
  /** `probe` until `samples` completions, then `learned`. */
  phase: 'probe' | 'learned';
  maxSeen: Resources;
  mean: Resources;
  /** Histogram modes: the current learned first allocation per resource. */
  learned: Partial<Record<AutoResource, number>>;
  /** Bucketing modes: the current buckets per resource. */
  buckets: Partial<Record<AutoResource, ValueBucket[]>>;
}

function checkCount(what: string, n: number | undefined, fallback: number): number {
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`${what}: expected an integer >= 1, got ${typeof n === 'number' ? String(n) : JSON.stringify(n)}`);
  return n;
}

export class CategoryAllocator {
  private mode: AllocationMode = 'fixed';
  private max: Partial<Resources> = {};
  private first: Partial<Resources> = {};
  private probeSet: Partial<Record<AutoResource, number>> = {};
  private worker: Partial<Resources> = {};
  private samples = 25;
  private updateEvery = 25;
  private readonly margin: number;
  private readonly overheadWeight: number;
  private readonly settings: CategorySettings;
  private readonly random: () => number;
  private readonly histograms = {} as Record<AutoResource, Histogram>;
  private bucketing: Record<AutoResource, ResourcePredictor> | null = null;
  /** Measured values of the most recent successful tasks, in order, so a mode change can rebuild bucketing. */
  private readonly history: Array<Record<AutoResource, number>> = [];
  private readonly walls: number[] = [];
  private learned: Partial<Record<AutoResource, number>> | null = null;
  private readonly maxSeenSoFar = resources();
  private readonly sums = resources();
  private prior: (() => Partial<Record<AutoResource, number>> | null) | null = null;
  private priorSamples = 0;
  /** The first allocation without explicit resources, until the state changes. */
  private firstCache: Resources | null = null;
  completed = 0;
  exhaustions = 0;

  constructor(settings: CategorySettings = {}) {
    this.settings = settings;
    this.margin = settings.retryMargin ?? 0.05;
    if (!(Number.isFinite(this.margin) && this.margin >= 0)) {
      throw new TypeError(`retryMargin: expected a number >= 0, got ${JSON.stringify(settings.retryMargin)}`);
    }
    this.overheadWeight = settings.overheadWeight ?? 1;
    if (!(Number.isFinite(this.overheadWeight) && this.overheadWeight >= 0)) {
      throw new TypeError(`overheadWeight: expected a number >= 0, got ${JSON.stringify(settings.overheadWeight)}`);
    }
    this.random = seededRandom(settings.seed ?? 1);
    for (const r of AUTO_RESOURCES) this.histograms[r] = new Histogram(HISTOGRAM_BUCKET_SIZES[r]);
    this.setMax(settings.max);
    this.setFirst(settings.first);
    this.setWorker(settings.worker);
    this.probeSet = { ...checkPartial('probe', settings.probe) } as Partial<Record<AutoResource, number>>;
    this.setMode(settings.mode ?? 'fixed');
  }

  setMode(mode: AllocationMode): void {
    this.firstCache = null;
    this.mode = parseAllocationMode(mode);
    const bucketing = BUCKETING_MODES.includes(this.mode);
    this.samples = checkCount('samples', this.settings.samples, this.mode === 'cost-bucketing' ? 1 : bucketing ? 10 : 25);
    this.updateEvery = checkCount('updateEvery', this.settings.updateEvery, 25);
    this.bucketing = null;
    this.learned = null;
    if (bucketing) this.rebuildBucketing();
    else if (HISTOGRAM_MODES.includes(this.mode)) this.maybeRelearn(true);
  }

  setMax(max: Partial<Resources> | undefined): void {
    this.firstCache = null;
    this.max = { ...checkPartial('max', max) };
  }

  setFirst(first: Partial<Resources> | undefined): void {
    this.firstCache = null;
    this.first = { ...checkPartial('first', first) };
    if (this.bucketing) this.rebuildBucketing();
  }

  /** The largest worker connected: "a whole worker" for retries and the cap of every allocation. */
  setWorker(worker: Partial<Resources> | undefined): void {
    this.firstCache = null;
    this.worker = { ...checkPartial('worker', worker) };
    // The probe depends on the worker.
    if (this.bucketing) this.rebuildBucketing();
  }

  /**
   * A prior for the first allocation while the category has fewer than `samples` completions (see
   * category-pool.ts): with n completions, each resource gets (n/samples)·own + (1 − n/samples)·prior,
   * so the first task is sized from the prior alone and the category moves to its own history linearly.
   */
  setPrior(prior: () => Partial<Record<AutoResource, number>> | null, samples: number): void {
    this.prior = prior;
    this.priorSamples = samples;
    this.firstCache = null;
  }

  /** The allocation for a task's first attempt; `explicit` is what the task itself asks for. */
  firstAllocation(explicit: Partial<Resources> = {}): Resources {
    checkPartial('task resources', explicit);
    // Between two measurements a deterministic mode answers the same: a replay asks for every waiting task.
    const plain = Object.keys(explicit).length === 0 && this.mode !== 'greedy-bucketing' && this.mode !== 'exhaustive-bucketing';
    if (plain && this.firstCache) return { ...this.firstCache };
    const a = resources();
    // The prior can change with other categories' measurements: not cached while it is used.
    const prior = this.mode !== 'fixed' && this.prior && this.completed < this.priorSamples ? this.prior() : null;
    const w = this.completed / Math.max(1, this.priorSamples);
    for (const r of AUTO_RESOURCES) {
      const own = this.autoFirst(r);
      const p = prior?.[r];
      a[r] = explicit[r] ?? (p === undefined || !(p > 0) ? own : Math.min(w * own + (1 - w) * p, this.cap(r)));
    }
    for (const r of ['gpus', 'wallTime'] as const) a[r] = explicit[r] ?? this.first[r] ?? this.max[r] ?? 0;
    if (plain && !prior) this.firstCache = { ...a };
    return a;
  }

  /**
   * After an attempt with `previous` exhausted `exhausted`: the allocation to retry with, or why not.
   * `measured` (what the monitor saw, e.g. 3.7 cores busy on a 1-core attempt) raises the floor of the
   * retry; `explicit` is what the task itself asked for (never retried larger).
   */
  nextAllocation(previous: Resources, exhausted: readonly ResourceName[], measured: Partial<Resources> = {}, explicit: Partial<Resources> = {}): NextAllocation {
    if (exhausted.length === 0) throw new TypeError('nextAllocation: expected at least one exhausted resource, got none');
    checkPartial('measured', measured);
    for (const r of exhausted) {
      const fail = this.cannotRetry(r, previous, explicit);
      if (fail) return { retry: false, resource: r, reason: fail };
    }
    // The retry must exceed both the failed allocation and anything measured above it.
    const floor = { ...previous };
    for (const r of exhausted) floor[r] = Math.max(previous[r], measured[r] ?? 0);
    const next = { ...previous };
    const auto = exhausted as readonly AutoResource[];
    if (HISTOGRAM_MODES.includes(this.mode) && this.learned) {
      // Work Queue retries the whole task at the category maximum: the largest values seen (here with
      // the margin). A resource that already had that much climbs the escalation ladder (doubling), and
      // reaches a whole worker (or the explicit maximum) only at its top, not in one jump.
      for (const r of AUTO_RESOURCES) {
        if (explicit[r] !== undefined) continue;
        const seen = this.maxSeenSoFar[r];
        const top = seen * (1 + this.margin);
        if (!auto.includes(r)) next[r] = Math.max(previous[r], Math.min(seen, this.cap(r)));
        else next[r] = seen > floor[r] ? top : escalate(this.base(r), Math.max(floor[r], top));
      }
    } else if (this.bucketing) {
      for (const r of auto) next[r] = this.bucketing[r].retry(previous[r], floor[r]);
    } else {
      for (const r of auto) next[r] = escalate(this.base(r), floor[r]);
    }
    // Cores are not enforced, so a task can run (slower) on fewer than it uses: its retry gets at
    // least what the monitor saw it use, as for every resource it did not exhaust.
    for (const r of AUTO_RESOURCES) {
      if (!auto.includes(r) && explicit[r] === undefined) next[r] = Math.max(next[r], Math.min(measured[r] ?? 0, this.cap(r)));
    }
    for (const r of auto) next[r] = Math.min(next[r], this.cap(r));
    return { retry: true, allocation: next };
  }

  /**
   * Records a finished attempt. `measured` is what the monitor saw (for an exhausted attempt, the
   * values when it was stopped); wallTime weighs the histogram modes' time terms.
   */
  observe(measured: Partial<Resources>, outcome: Outcome): void {
    checkPartial('measured', measured);
    if (outcome !== 'success' && outcome !== 'exhausted') {
      throw new TypeError(`observe: expected outcome "success" or "exhausted", got ${JSON.stringify(outcome)}`);
    }
    this.firstCache = null;
    for (const r of AUTO_RESOURCES) this.maxSeenSoFar[r] = Math.max(this.maxSeenSoFar[r], measured[r] ?? 0);
    if (outcome === 'exhausted') { this.exhaustions++; return; }
    this.completed++;
    const values = {} as Record<AutoResource, number>;
    for (const r of AUTO_RESOURCES) {
      values[r] = measured[r] ?? 0;
      this.histograms[r].insert(values[r], measured.wallTime ?? 0);
      this.sums[r] += values[r];
      this.bucketing?.[r].add(values[r], measured.wallTime ?? 0);
    }
    this.sums.wallTime += measured.wallTime ?? 0;
    this.maxSeenSoFar.wallTime = Math.max(this.maxSeenSoFar.wallTime, measured.wallTime ?? 0);
    this.history.push(values);
    this.walls.push(measured.wallTime ?? 0);
    // Bucketing keeps only the most recent points (point-window.ts): so does the history it is rebuilt from,
    // trimmed in chunks so a long-lived manager's memory stays bounded at no cost per task.
    if (this.history.length > 2 * DEFAULT_WINDOW) {
      this.history.splice(0, this.history.length - DEFAULT_WINDOW);
      this.walls.splice(0, this.walls.length - DEFAULT_WINDOW);
    }
    if (HISTOGRAM_MODES.includes(this.mode)) this.maybeRelearn(false);
  }

  state(): CategoryState {
    const mean = resources();
    for (const r of [...AUTO_RESOURCES, 'wallTime'] as const) mean[r] = this.completed ? this.sums[r] / this.completed : 0;
    const buckets: CategoryState['buckets'] = {};
    if (this.bucketing) for (const r of AUTO_RESOURCES) buckets[r] = this.bucketing[r].buckets;
    return {
      mode: this.mode, completed: this.completed, exhaustions: this.exhaustions,
      phase: this.completed >= this.samples && this.mode !== 'fixed' ? 'learned' : 'probe',
      maxSeen: { ...this.maxSeenSoFar }, mean, learned: { ...this.learned }, buckets,
    };
  }

  private get enforceCores(): boolean {
    return this.settings.enforceCores === true;
  }

  /** The most a task of this category may get of r: the explicit maximum, else the whole worker. */
  private cap(r: ResourceName): number {
    return Math.min(this.max[r] ?? Infinity, this.worker[r] ?? Infinity);
  }

  /**
   * Allocation before learning, and the base of the doubling: `first`, else `probe`, else
   * `costProbeFor` in cost-bucketing and `probeFor` (one core's share) in the other modes.
   */
  private base(r: AutoResource): number {
    return this.first[r] ?? this.probeSet[r] ?? (this.mode === 'cost-bucketing' ? costProbeFor(this.worker) : probeFor(this.worker))[r];
  }

  private autoFirst(r: AutoResource): number {
    let value: number;
    if (this.mode === 'fixed') value = this.first[r] ?? this.max[r] ?? this.worker[r] ?? 0;
    else if (this.bucketing) value = this.bucketing[r].predict(null);
    else value = this.learned?.[r] ?? this.base(r);
    return Math.min(value, this.cap(r));
  }

  private cannotRetry(r: ResourceName, previous: Resources, explicit: Partial<Resources>): string | null {
    const had = formatAmount(r, previous[r]);
    if (r === 'gpus' || r === 'wallTime') return `${r}: exceeded ${had}; ${r} is only given, never learned`;
    if (explicit[r] !== undefined) return `${r}: exceeded the task's own ${formatAmount(r, explicit[r] as number)}`;
    if (this.mode === 'fixed') return `${r}: exceeded ${had} and mode fixed does not retry`;
    const cap = this.cap(r);
    if (previous[r] >= cap - 1e-9) {
      const which = this.max[r] !== undefined && this.max[r] === cap ? 'the category maximum' : 'a whole worker';
      return `${r}: needs more than ${which} (${formatAmount(r, cap)})`;
    }
    return null;
  }

  /** Histogram modes: recompute the first allocation at `samples` completions and every `updateEvery` after. */
  private maybeRelearn(force: boolean): void {
    const n = this.completed;
    if (n < this.samples) return;
    if (!force && (n - this.samples) % this.updateEvery !== 0) return;
    const learned: Partial<Record<AutoResource, number>> = {};
    for (const r of AUTO_RESOURCES) {
      const h = this.histograms[r];
      const top = this.max[r] ?? (this.maxSeenSoFar[r] > 0 ? this.maxSeenSoFar[r] : this.worker[r] ?? Infinity);
      if (this.mode === 'max') learned[r] = maxSeen(h, this.cap(r));
      else if (this.mode === 'min-waste') learned[r] = minWaste(h, top);
      else learned[r] = maxThroughput(h, top);
    }
    this.learned = learned;
  }

  private rebuildBucketing(): void {
    const states = {} as Record<AutoResource, ResourcePredictor>;
    for (const r of AUTO_RESOURCES) {
      if (this.mode === 'cost-bucketing') states[r] = new LadderState(this.base(r), this.samples, () => this.ladderContext(r), r !== 'cores' || this.enforceCores, this.margin);
      else {
        const kind = this.mode === 'greedy-bucketing' ? 'greedy' : 'exhaustive';
        states[r] = new BucketingState({ kind, defaultValue: this.base(r), samples: this.samples, margin: this.margin }, this.random);
      }
      this.history.forEach((h, i) => states[r].add(h[r], this.walls[i]));
    }
    this.bucketing = states;
  }

  /** cost-bucketing prices an attempt in worker shares: of r, plus the mean use of the other resources. */
  private ladderContext(r: AutoResource): { unit: number; overhead: number } {
    const unit = this.worker[r] || 1;
    let overhead = 0;
    for (const s of AUTO_RESOURCES) {
      const size = this.worker[s];
      if (s !== r && size && this.worker[r]) overhead += this.sums[s] / Math.max(1, this.completed) / size;
    }
    return { unit, overhead: overhead * this.overheadWeight };
  }
}
