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

/** At most this many candidate levels: the distinct values, or weight quantiles when there are more. */
const MAX_CANDIDATES = 64;

function candidateLevels(points: readonly TimedPoint[]): number[] {
  const distinct: number[] = [];
  for (const p of points) if (distinct.at(-1) !== p.value) distinct.push(p.value);
  if (distinct.length <= MAX_CANDIDATES) return distinct;
  const total = points.reduce((s, p) => s + p.weight, 0);
  const out: number[] = [];
  let acc = 0;
  let k = 1;
  for (const p of points) {
    acc += p.weight;
    while (k < MAX_CANDIDATES && acc >= (total * k) / MAX_CANDIDATES) {
      if (out.at(-1) !== p.value) out.push(p.value);
      k++;
    }
  }
  const max = points[points.length - 1].value;
  if (out.at(-1) !== max) out.push(max);
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
}

/** The plan minimizing the expected cost; points sorted by value. */
export function costPlan(points: readonly TimedPoint[], unit: number, overhead: number): CostPlan {
  if (points.length === 0) return { ladder: [], next: () => undefined };
  const levels = candidateLevels(points);
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
  return { ladder, next };
}
