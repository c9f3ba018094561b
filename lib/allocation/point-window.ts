// The measured points a bucketing state keeps: sorted by value for the bucket computations, bounded to
// the most recent `limit` so a long-lived category costs bounded memory and time per recomputation.

export interface WindowPoint {
  value: number;
  weight: number;
}

export const DEFAULT_WINDOW = 2000;

/**
 * Whether a state computed from a window is due for recomputation after `added` new points: after every
 * point while the window holds fewer than 32, then once it grew by 1/32 of its size. A recomputation
 * walks the whole window, so this keeps its cost per point bounded (a replay of millions of tasks stays
 * linear) while the learned values lag the newest points by about 3 % of the history at most.
 */
export function recomputeDue(added: number, size: number): boolean {
  return added > 0 && added >= Math.max(1, Math.floor(size / 32));
}

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
    // After the points of equal value, so each run of equal values is in arrival order and the oldest
    // one, the next evicted, is the first of its run.
    this.sorted.splice(this.lowerBound(p.value, true), 0, p);
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

  /** The first index whose value is >= `value` (> with `after`). */
  private lowerBound(value: number, after = false): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = this.sorted[mid].value;
      if (v < value || (after && v === value)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}
