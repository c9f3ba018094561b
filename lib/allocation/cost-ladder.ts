// The escalation ladder of `cost-bucketing`: the increasing allocations a task of the category tries in
// turn, chosen to minimize the expected cost of all its attempts under the measured distribution.
//
// Each attempt at level v is charged for the task's wall time at v/unit + overhead: its share of a
// worker in this resource plus the share of the other resources it holds meanwhile (a failed attempt
// wastes those too). With S(j) the wall time of the tasks above level j, the cheapest ladder from j is
//   f(j) = min over k > j of  S(j)·(v_k/unit + overhead) + f(k),   f(top) = 0,
// solved exactly over the candidate levels by dynamic programming.

export interface TimedPoint {
  value: number;
  /** Wall time of the task (s): what each of its attempts is charged for. */
  weight: number;
}

/**
 * The points plus one unseen task (Laplace's rule of succession: after n tasks, the next one exceeds
 * all of them with probability about 1/(n + 1)), of the mean wall time, needing twice the largest
 * value measured (where escalation would take it). Only the first few completions feel it: it makes an
 * early ladder count the cost of a task above everything seen so far instead of assuming there is none.
 */
export function withUnseenTail(points: readonly TimedPoint[]): TimedPoint[] {
  if (points.length === 0) return [];
  const total = points.reduce((s, p) => s + p.weight, 0);
  const max = points[points.length - 1].value;
  if (!(max > 0)) return [...points];
  return [...points, { value: 2 * max, weight: total / points.length }];
}

/** At most this many candidate levels: the distinct values, or weight quantiles when there are more. */
const MAX_CANDIDATES = 64;

function candidateLevels(points: readonly TimedPoint[], max = MAX_CANDIDATES): number[] {
  const distinct: number[] = [];
  for (const p of points) if (distinct.at(-1) !== p.value) distinct.push(p.value);
  if (distinct.length <= max) return distinct;
  const total = points.reduce((s, p) => s + p.weight, 0);
  const out: number[] = [];
  let acc = 0;
  let k = 1;
  for (const p of points) {
    acc += p.weight;
    while (k < max && acc >= (total * k) / max) {
      if (out.at(-1) !== p.value) out.push(p.value);
      k++;
    }
  }
  // The two largest distinct values are always candidates: the largest measured and, with an unseen
  // tail (withUnseenTail), the level above it.
  for (const v of distinct.slice(-2)) if ((out.at(-1) as number) < v) out.push(v);
  return out;
}

/**
 * The cheapest plan for every state: `next(previous)` is the level a task should try after failing at
 * `previous` (the first level for previous = 0), i.e. the optimal continuation for the tasks known to
 * need more than `previous`; `ladder` is the walk from the start.
 */
export interface CostPlan {
  ladder: number[];
  next(previous: number): number | undefined;
  /** Its expected cost: Σ over the points of wall × Σ over their attempts (level/unit + overhead). */
  cost: number;
}

/**
 * The plan minimizing the expected cost; points sorted by value. `maxCandidates` bounds the levels
 * tried (Infinity: every distinct value, the exact optimum in O(n²)).
 */
export function costPlan(points: readonly TimedPoint[], unit: number, overhead: number, maxCandidates = MAX_CANDIDATES): CostPlan {
  if (points.length === 0) return { ladder: [], next: () => undefined, cost: 0 };
  const levels = candidateLevels(points, maxCandidates);
  const m = levels.length;
  // above[j]: wall time of the points above levels[j - 1] (above[0]: all of them).
  const above = new Float64Array(m + 1);
  let i = points.length - 1;
  let acc = 0;
  for (let j = m - 1; j >= 0; j--) {
    while (i >= 0 && points[i].value > levels[j]) acc += points[i--].weight;
    above[j + 1] = acc;
  }
  above[0] = points.reduce((s, p) => s + p.weight, 0);
  const f = new Float64Array(m + 1).fill(Infinity);
  const choice = new Int32Array(m + 1).fill(-1);
  f[m] = 0;
  // State j: levels[0..j-1] have been tried (j = 0: none); the next level is some k >= j.
  for (let j = m - 1; j >= 0; j--) {
    for (let k = j; k < m; k++) {
      const cost = above[j] * (levels[k] / unit + overhead) + f[k + 1];
      if (cost < f[j]) { f[j] = cost; choice[j] = k; }
    }
  }
  const ladder: number[] = [];
  for (let j = 0; j < m; j = choice[j] + 1) ladder.push(levels[choice[j]]);
  const next = (previous: number): number | undefined => {
    const j = levels.findIndex((v) => v > previous);
    return j < 0 ? undefined : levels[choice[j]];
  };
  return { ladder, next, cost: f[0] };
}

/**
 * The one level for a resource that is not enforced (cores): a task given c when it uses u > c is not
 * stopped but runs max(1, u/c) times longer, holding its allocation (c of this resource, `overhead` of
 * the others) all that time. The level minimizing
 *   Σ wall · max(1, u/c) · (c/unit + overhead)
 * over the candidate levels; points sorted by value, weighing their wall time.
 */
export function stretchLevel(points: readonly TimedPoint[], unit: number, overhead: number): number | undefined {
  if (points.length === 0) return undefined;
  const levels = candidateLevels(points).filter((v) => v > 0);
  if (levels.length === 0) return points[points.length - 1].value;
  // Σ w and Σ w·u of the points above each level, walking the levels from the top.
  let i = points.length - 1;
  let wAbove = 0;
  let wuAbove = 0;
  const wTotal = points.reduce((s, p) => s + p.weight, 0);
  let best = levels[levels.length - 1];
  let bestCost = Infinity;
  for (let k = levels.length - 1; k >= 0; k--) {
    const c = levels[k];
    while (i >= 0 && points[i].value > c) { wAbove += points[i].weight; wuAbove += points[i].weight * points[i].value; i--; }
    const share = c / unit + overhead;
    const cost = (wTotal - wAbove) * share + (wuAbove / c) * share;
    if (cost <= bestCost) { bestCost = cost; best = c; }
  }
  return best;
}
