// Per-resource state of `cost-bucketing`: measured values weighted by wall time, the cost-minimizing
// ladder recomputed after every completion, and a deterministic walk up the ladder on exhaustion. For a
// resource that is not enforced (cores), the first allocation is instead the one level that minimizes
// the cost of running slower below it (`stretchLevel`).
import type { ResourcePredictor } from './bucketing.js';
import type { ValueBucket } from './bucket-types.js';
import { costPlan, stretchLevel, withUnseenTail, type CostPlan, type TimedPoint } from './cost-ladder.js';
import { PointWindow, recomputeDue } from './point-window.js';

export interface LadderContext {
  /** Size of a worker in this resource (1 when unknown). */
  unit: number;
  /** Worker share held in the other resources by one attempt (0 when unknown). */
  overhead: number;
}

export class LadderState implements ResourcePredictor {
  private readonly window = new PointWindow<TimedPoint>();
  private plan: CostPlan | null = null;
  private level: number | undefined;
  /** Points added since the plan was computed. */
  private added = 0;
  /** While sampling: the smallest allocation not yet known to be too small for some task. */
  private frontier = 0;

  /**
   * `enforced` false: exceeding the allocation slows the task down (cores) instead of stopping it, so
   * new tasks get `stretchLevel` rather than the ladder's first level.
   */
  /** `margin`: a retry at a measured level gets level·(1 + margin), so never exactly a value seen. */
  constructor(
    private readonly probe: number, private readonly samples: number, private readonly context: () => LadderContext,
    private readonly enforced = true, private readonly margin = 0,
  ) {}

  get sampling(): boolean {
    return this.window.length < this.samples;
  }

  /**
   * The ladder as buckets: each level with the share of measured wall time it ends. The last level is
   * where a task above everything measured goes (twice the largest value), with share 0.
   */
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
    this.added++;
  }

  /**
   * The first allocation of a new task: the plan's first level (for cores, the stretch level), or the
   * probe while sampling.
   */
  predict(previous: number | null): number {
    if (this.sampling) return Math.max(this.probe, this.frontier, previous === null ? 0 : this.doubled(previous));
    const plan = this.current();
    if (previous === null) return this.enforced ? plan.ladder[0] : this.level ?? plan.ladder[0];
    return Math.max(plan.next(previous) ?? 0, this.doubled(previous));
  }

  /**
   * After an exhaustion at `previous` with the need known to exceed `floor`. When the monitor saw the
   * real need (floor > previous, e.g. cores), the plan's best next level for tasks above it, else
   * `floor` itself. When it only knows the task needs more than it had (memory and disk are stopped at
   * their allocation), the plan's next level but at least twice `previous`: the plan trusts the
   * measured distribution above `previous`, thin while few tasks are measured, and each step that
   * turns out too small costs the whole attempt; doubling bounds those steps to log2(need / first).
   * While sampling, new tasks then start there too. A level from the plan (a measured value, or the
   * unseen tail above them) and a measured floor get the margin: the task is known to need more than
   * `floor`, and a peak measured once is rarely the most a similar task needs.
   */
  retry(previous: number, floor: number): number {
    const up = (v: number) => v * (1 + this.margin);
    let next: number;
    if (floor > previous) next = this.sampling ? Math.max(this.probe, up(floor)) : up(this.current().next(floor) ?? floor);
    else next = this.sampling ? Math.max(this.probe, this.doubled(previous)) : Math.max(up(this.current().next(previous) ?? 0), this.doubled(previous));
    if (this.sampling) this.frontier = Math.max(this.frontier, next);
    return next;
  }

  private doubled(previous: number): number {
    return previous > 0 ? 2 * previous : this.probe;
  }

  private current(): CostPlan {
    if (!this.plan || recomputeDue(this.added, this.window.length)) {
      const { unit, overhead } = this.context();
      const points = this.window.sorted;
      this.plan = costPlan(withUnseenTail(points), unit, overhead);
      // Unpriced (no worker known): never stretch, give the largest measured.
      if (!this.enforced) this.level = overhead > 0 ? stretchLevel(points, unit, overhead) : points.at(-1)?.value;
      this.added = 0;
    }
    return this.plan;
  }
}
