// Greedy bucketing (TaskVine, Phung et al.): split the sorted points recursively, each range at the
// point that minimizes the expected waste of a two-bucket policy over that range, until no split helps.
import { bucketsFromBreaks, type Point, type ValueBucket } from './bucket-types.js';

/** Prefix sums of weight and weight·value, so the cost of a split is O(1). */
function prefixSums(points: readonly Point[]): { w: Float64Array; wv: Float64Array } {
  const w = new Float64Array(points.length + 1);
  const wv = new Float64Array(points.length + 1);
  points.forEach((p, i) => { w[i + 1] = w[i] + p.weight; wv[i + 1] = wv[i] + p.weight * p.value; });
  return { w, wv };
}

/**
 * Expected waste of splitting [lo, hi] after index b: a task is first given the lower bucket's value
 * with probability p1 and the upper one's with p2; a task of the upper bucket given the lower value
 * runs again at the upper value.
 */
function splitCost(points: readonly Point[], s: ReturnType<typeof prefixSums>, lo: number, hi: number, b: number): number {
  const total = s.w[hi + 1] - s.w[lo];
  const wLo = s.w[b + 1] - s.w[lo];
  const wHi = total - wLo;
  const p1 = wLo / total;
  const p2 = wHi / total;
  const e1 = (s.wv[b + 1] - s.wv[lo]) / wLo;
  const e2 = wHi > 0 ? (s.wv[hi + 1] - s.wv[b + 1]) / wHi : 0;
  const breakValue = points[b].value;
  const maxValue = points[hi].value;
  return p1 * p1 * (breakValue - e1) + p1 * p2 * (maxValue - e1) +
    p2 * p1 * (breakValue + maxValue - e2) + p2 * p2 * (maxValue - e2);
}

/** The cheapest split point of [lo, hi] (the later one on ties, as TaskVine), or hi when none helps. */
function bestSplit(points: readonly Point[], s: ReturnType<typeof prefixSums>, lo: number, hi: number): number {
  let best = lo;
  let bestCost = Infinity;
  for (let b = lo; b <= hi; b++) {
    const cost = splitCost(points, s, lo, hi, b);
    if (cost <= bestCost) { bestCost = cost; best = b; }
  }
  return best;
}

export function greedyBuckets(points: readonly Point[]): ValueBucket[] {
  if (points.length === 0) return [];
  const s = prefixSums(points);
  const breaks = new Set<number>([points.length - 1]);
  const ranges: Array<[number, number]> = [[0, points.length - 1]];
  while (ranges.length > 0) {
    const [lo, hi] = ranges.shift() as [number, number];
    const b = bestSplit(points, s, lo, hi);
    if (b === hi) continue;
    breaks.add(b);
    // A range of one point cannot be split further (TaskVine keeps only ranges of two or more).
    if (b + 1 !== hi) ranges.push([b + 1, hi]);
    if (b !== lo) ranges.push([lo, b]);
  }
  const values = [...breaks].sort((a, b) => a - b).map((i) => points[i].value);
  return bucketsFromBreaks(points, values);
}
