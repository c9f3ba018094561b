// Work Queue's per-resource histogram: buckets (start, end] of a fixed size keyed by their end, each
// with a count and the summed wall time of the tasks in it (the time weights the formulas need).

export interface Bucket {
  /** Largest value the bucket holds: ceil(value / size) * size. */
  end: number;
  count: number;
  /** Sum of the wall times (s) of the tasks in this bucket. */
  time: number;
}

export class Histogram {
  private readonly buckets = new Map<number, Bucket>();
  private sorted: Bucket[] | null = null;
  total = 0;
  maxValue = 0;

  constructor(readonly bucketSize: number) {
    if (!(bucketSize > 0)) throw new RangeError(`histogram bucket size: expected a number > 0, got ${bucketSize}`);
  }

  roundUp(value: number): number {
    return Math.ceil(value / this.bucketSize - 1e-9) * this.bucketSize;
  }

  insert(value: number, wallTime: number): void {
    const end = this.roundUp(value);
    let b = this.buckets.get(end);
    if (!b) this.buckets.set(end, (b = { end, count: 0, time: 0 }));
    b.count++;
    b.time += wallTime;
    this.total++;
    this.maxValue = Math.max(this.maxValue, value);
    this.sorted = null;
  }

  /** Buckets in increasing order of their end. */
  entries(): Bucket[] {
    return (this.sorted ??= [...this.buckets.values()].sort((a, b) => a.end - b.end));
  }
}
