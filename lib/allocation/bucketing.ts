// TaskVine's bucketing state for one resource of one category: a sampling phase at a default value
// with exponential escalation on failure, then buckets recomputed after every completion and drawn
// at random by their probability; a retry draws only among buckets above the failed allocation.
import type { Point, ValueBucket } from './bucket-types.js';
import { greedyBuckets } from './greedy-buckets.js';
import { exhaustiveBuckets } from './exhaustive-buckets.js';
import { PointWindow, recomputeDue } from './point-window.js';

/** The smallest base·rate^k strictly above `previous` (k >= 0): TaskVine's exponential escalation. */
export function escalate(base: number, previous: number, rate = 2): number {
  if (!(base > 0)) return previous > 0 ? previous * rate : 1;
  if (previous < base) return base;
  const exp = Math.floor(Math.log(previous / base) / Math.log(rate) + 1e-12) + 1;
  return base * rate ** exp;
}

/** What the bucketing modes keep per resource: measured values in, allocations out. */
export interface ResourcePredictor {
  /** True until enough completions were seen to use learned values. */
  readonly sampling: boolean;
  readonly buckets: ValueBucket[];
  add(value: number, wallTime: number): void;
  predict(previous: number | null): number;
  /**
   * The retry after an attempt with `previous` was exhausted and the task is known to need more than
   * `floor` (>= previous).
   */
  retry(previous: number, floor: number): number;
}

export type BucketingKind = 'greedy' | 'exhaustive';

export interface BucketingOptions {
  kind: BucketingKind;
  /** Allocation during the sampling phase, and the base of the exponential escalation. */
  defaultValue: number;
  /** Completions before buckets are used (TaskVine: 10). */
  samples: number;
  /** Escalation factor (TaskVine: 2). */
  increaseRate?: number;
  /** Largest number of buckets exhaustive bucketing tries (TaskVine: 10). */
  maxBuckets?: number;
  /** A retry drawn from a bucket gets its value·(1 + margin): never exactly a value seen (default 0). */
  margin?: number;
}

export class BucketingState implements ResourcePredictor {
  private readonly window = new PointWindow<Point>();
  private nextWeight = 1;
  private cached: ValueBucket[] = [];
  /** Points added since the buckets were computed. */
  private added = 0;

  constructor(readonly options: BucketingOptions, private readonly random: () => number) {}

  get count(): number {
    return this.window.length;
  }

  get sampling(): boolean {
    return this.window.length < this.options.samples;
  }

  /** Buckets over the current points, recomputed lazily after completions (TaskVine: after each one; here as `recomputeDue` says). */
  get buckets(): ValueBucket[] {
    if (!this.sampling && recomputeDue(this.added, this.window.length)) {
      const points = this.window.sorted;
      this.cached = this.options.kind === 'greedy' ? greedyBuckets(points) : exhaustiveBuckets(points, this.options.maxBuckets ?? 10);
      this.added = 0;
    }
    return this.cached;
  }

  add(value: number, _wallTime = 0): void {
    this.window.add({ value, weight: this.nextWeight++ });
    this.added++;
  }

  escalate(previous: number): number {
    return escalate(this.options.defaultValue, previous, this.options.increaseRate ?? 2);
  }

  /**
   * After an exhaustion at `previous`, the task needing more than `floor`: a bucket above `floor` drawn
   * by probability, with the margin, else the next step of the escalation.
   */
  retry(previous: number, floor: number): number {
    const value = this.predict(floor);
    const fromBucket = !this.sampling && this.buckets.some((b) => b.value === value);
    return Math.max(fromBucket ? value * (1 + (this.options.margin ?? 0)) : value, previous);
  }

  predict(previous: number | null): number {
    if (this.sampling) return previous === null || previous <= 0 ? this.options.defaultValue : this.escalate(previous);
    const above = previous === null ? this.buckets : this.buckets.filter((b) => b.value > previous);
    if (above.length === 0) return this.escalate(previous ?? 0);
    const total = above.reduce((s, b) => s + b.prob, 0);
    const r = this.random();
    let sum = 0;
    for (const b of above) {
      sum += b.prob;
      if (sum / total > r) return b.value;
    }
    return above[above.length - 1].value;
  }
}
