// Per-resource state of `cost-bucketing`: measured values weighted by wall time, the cost-minimizing
// ladder recomputed after every completion, and a deterministic walk up the ladder on exhaustion.
import type { ResourcePredictor } from './bucketing.js';
import type { ValueBucket } from './bucket-types.js';
import { costPlan, type CostPlan, type TimedPoint } from './cost-ladder.js';
import { PointWindow } from './point-window.js';

export interface LadderContext {
  /** Size of a worker in this resource (1 when unknown). */
  unit: number;
  /** Worker share held in the other resources by one attempt (0 when unknown). */
  overhead: number;
}

export class LadderState implements ResourcePredictor {
  private readonly window = new PointWindow<TimedPoint>();
  private plan: CostPlan | null = null;
  private dirty = false;
  /** While sampling: the smallest allocation not yet known to be too small for some task. */
  private frontier = 0;

  constructor(private readonly probe: number, private readonly samples: number, private readonly context: () => LadderContext) {}

  get sampling(): boolean {
    return this.window.length < this.samples;
  }

  /** The ladder as buckets: each level with the share of wall time it ends. */
  get buckets(): ValueBucket[] {
    const ladder = this.current().ladder;
    const points = this.window.sorted;
    const total = points.reduce((s, p) => s + p.weight, 0) || 1;
    let i = 0;
    return ladder.map((value) => {
      let w = 0;
      while (i < points.length && points[i].value <= value) w += points[i++].weight;
      return { value, prob: w / total };
    });
  }

  add(value: number, wallTime: number): void {
    // A zero wall time would make the task free to fail; count it as a short task instead.
    this.window.add({ value, weight: Math.max(wallTime, 1e-3) });
    this.dirty = true;
  }

  /** The first allocation of a new task: the plan's first level, or the probe while sampling. */
  predict(previous: number | null): number {
    if (this.sampling) return Math.max(this.probe, this.frontier, previous === null ? 0 : previous * 2);
    const plan = this.current();
    if (previous === null) return plan.ladder[0];
    return plan.next(previous) ?? previous * 2;
  }

  /**
   * After an exhaustion at `previous` with the need known to exceed `floor`: the plan's best next level
   * for tasks above `floor`; above everything measured, `floor` itself when the monitor saw the real
   * need (floor > previous), else twice `previous`. While sampling, new tasks then start there too.
   */
  retry(previous: number, floor: number): number {
    const beyond = floor > previous ? floor : previous * 2;
    const next = this.sampling ? Math.max(this.probe, beyond) : this.current().next(floor) ?? beyond;
    if (this.sampling) this.frontier = Math.max(this.frontier, next);
    return next;
  }

  private current(): CostPlan {
    if (this.dirty || !this.plan) {
      const { unit, overhead } = this.context();
      this.plan = costPlan(this.window.sorted, unit, overhead);
      this.dirty = false;
    }
    return this.plan;
  }
}
