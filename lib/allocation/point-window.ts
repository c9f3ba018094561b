// The measured points a bucketing state keeps: sorted by value for the bucket computations, bounded to
// the most recent `limit` so a long-lived category costs bounded memory and time per recomputation.

export interface WindowPoint {
  value: number;
  weight: number;
}

export const DEFAULT_WINDOW = 2000;

export class PointWindow<P extends WindowPoint> {
  /** Sorted by value. */
  readonly sorted: P[] = [];
  /** In arrival order, oldest first. */
  private readonly arrivals: P[] = [];
  private head = 0;

  constructor(private readonly limit = DEFAULT_WINDOW) {}

  get length(): number {
    return this.sorted.length;
  }

  add(p: P): void {
    this.sorted.splice(this.lowerBound(p.value), 0, p);
    this.arrivals.push(p);
    if (this.sorted.length > this.limit) this.evictOldest();
  }

  private evictOldest(): void {
    const old = this.arrivals[this.head++];
    for (let i = this.lowerBound(old.value); i < this.sorted.length; i++) {
      if (this.sorted[i] === old) { this.sorted.splice(i, 1); break; }
    }
    if (this.head > 4096) { this.arrivals.splice(0, this.head); this.head = 0; }
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.sorted[mid].value < value) lo = mid + 1; else hi = mid; }
    return lo;
  }
}
