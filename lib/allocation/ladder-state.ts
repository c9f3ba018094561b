// Per-resource state of `cost-bucketing`: measured values weighted by wall time, the cost-minimizing
// ladder recomputed after every completion, and a deterministic walk up the ladder on exhaustion.
import type { ResourcePredictor } from './bucketing.js';
import type { ValueBucket } from './bucket-types.js';
import { costLadder, type TimedPoint } from './cost-ladder.js';

export interface LadderContext {
  /** Size of a worker in this resource (1 when unknown). */
  unit: number;
  /** Worker share held in the other resources by one attempt (0 when unknown). */
  overhead: number;
}

export class LadderState implements ResourcePredictor {
  private readonly points: TimedPoint[] = [];
  private ladder: number[] = [];
  private dirty = false;

  constructor(private readonly probe: number, private readonly samples: number, private readonly context: () => LadderContext) {}

  get sampling(): boolean {
    return this.points.length < this.samples;
  }

  /** The ladder as buckets: each level with the share of wall time it ends. */
  get buckets(): ValueBucket[] {
    const ladder = this.levels();
    const total = this.points.reduce((s, p) => s + p.weight, 0) || 1;
    let i = 0;
    return ladder.map((value) => {
      let w = 0;
      while (i < this.points.length && this.points[i].value <= value) w += this.points[i++].weight;
      return { value, prob: w / total };
    });
  }

  add(value: number, wallTime: number): void {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.points[mid].value < value) lo = mid + 1; else hi = mid; }
    // A zero wall time would make the task free to fail; count it as a short task instead.
    this.points.splice(lo, 0, { value, weight: Math.max(wallTime, 1e-3) });
    this.dirty = true;
  }

  /** The first level for a new task; on a retry, the first level above the failed one, else double it. */
  predict(previous: number | null): number {
    if (this.sampling) return previous === null || previous <= 0 ? this.probe : Math.max(this.probe, previous * 2);
    const ladder = this.levels();
    if (previous === null) return ladder[0];
    const next = ladder.find((v) => v > previous);
    return next ?? Math.max(this.probe, previous * 2);
  }

  private levels(): number[] {
    if (this.dirty) {
      const { unit, overhead } = this.context();
      this.ladder = costLadder(this.points, unit, overhead);
      this.dirty = false;
    }
    return this.ladder;
  }
}
