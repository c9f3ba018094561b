// Exhaustive bucketing (TaskVine, Phung et al.): for n = 1..maxBuckets, cut the points into n linear
// buckets (plus powers of two below max/n), score each set by the expected waste of drawing a bucket
// at random and escalating through the upper ones on failure, and keep the cheapest set.
import { bucketsFromBreaks, type Point, type ValueBucket } from './bucket-types.js';

/** Candidate break values for n buckets: 1, 2, 4, … below max/n, then max·k/n for k = 1..n. */
function candidates(maxValue: number, n: number): number[] {
  const steps = maxValue > 0 ? Math.max(0, Math.floor(Math.log2(maxValue / n))) : 0;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(2 ** i);
  for (let k = 1; k <= n; k++) out.push(k === n ? maxValue : (maxValue * k) / n);
  return out;
}

/** Buckets for the candidates: each keeps the largest point value at or below its candidate. */
function bucketsFor(points: readonly Point[], cands: readonly number[]): ValueBucket[] {
  const breaks: number[] = [];
  let i = 0;
  for (const c of cands) {
    let last = -1;
    while (i < points.length && points[i].value <= c) last = points[i++].value;
    if (last >= 0) breaks.push(last);
  }
  return bucketsFromBreaks(points, breaks);
}

/** Weighted mean value of the points in each bucket. */
function bucketMeans(points: readonly Point[], buckets: readonly ValueBucket[]): number[] {
  const means: number[] = [];
  let i = 0;
  for (const b of buckets) {
    let w = 0;
    let wv = 0;
    while (i < points.length && points[i].value <= b.value) { w += points[i].weight; wv += points[i].weight * points[i].value; i++; }
    means.push(wv / w);
  }
  return means;
}

/**
 * Expected waste of a bucket set: a task of bucket i given bucket j >= i wastes value_j − mean_i;
 * given j < i it wastes value_j and is redrawn among the buckets above j (probabilities reweighted).
 */
export function bucketSetCost(points: readonly Point[], buckets: readonly ValueBucket[]): number {
  const n = buckets.length;
  const mean = bucketMeans(points, buckets);
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) cost[i][j] = buckets[j].value - mean[i];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i - 1; j >= 0; j--) {
      let upper = 0;
      for (let k = j + 1; k < n; k++) upper += buckets[k].prob;
      let c = buckets[j].value;
      for (let k = j + 1; k < n; k++) c += (buckets[k].prob / upper) * cost[i][k];
      cost[i][j] = c;
    }
  }
  let expected = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expected += buckets[i].prob * buckets[j].prob * cost[i][j];
  return expected;
}

export function exhaustiveBuckets(points: readonly Point[], maxBuckets = 10): ValueBucket[] {
  if (points.length === 0) return [];
  const maxValue = points[points.length - 1].value;
  let best: ValueBucket[] = [];
  let bestCost = Infinity;
  for (let n = 1; n <= maxBuckets; n++) {
    const buckets = bucketsFor(points, candidates(maxValue, n));
    const cost = bucketSetCost(points, buckets);
    if (cost < bestCost) { bestCost = cost; best = buckets; }
  }
  return best;
}
