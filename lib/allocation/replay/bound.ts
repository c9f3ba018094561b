// The most time-weighted efficiency any allocation by category can expect on a trace for an enforced
// resource (memory, disk): each category given the best escalation ladder for its own measured
// distribution, known in advance, with a failed attempt charged only its allocation of that resource
// for the task's wall time (nothing for the other resources it holds, no stretching, no learning).
// A category gives no hint which of its tasks is large, so every task of it faces the same ladder;
// the exact optimum over all ladders is `costPlan` with every distinct value as a candidate level.
import { costPlan, type TimedPoint } from '../cost-ladder.js';
import type { TraceTask } from './trace.js';

export function ladderBound(trace: readonly TraceTask[], resource: 'cores' | 'memory' | 'disk'): number {
  const byCategory = new Map<string, TimedPoint[]>();
  let used = 0;
  for (const t of trace) {
    used += t.used[resource] * t.wall;
    let points = byCategory.get(t.category);
    if (!points) byCategory.set(t.category, (points = []));
    points.push({ value: t.used[resource], weight: t.wall });
  }
  let allocated = 0;
  for (const points of byCategory.values()) {
    points.sort((a, b) => a.value - b.value);
    allocated += costPlan(points, 1, 0, Infinity).cost;
  }
  return allocated > 0 ? used / allocated : 1;
}
