// The first-allocation formulas of Work Queue's modes `max`, `min-waste` and `max-throughput`
// (cctools category.c). Each returns the first allocation for one resource from its histogram.
// `top` is the category maximum a failed first attempt is retried at: the explicit maximum if set,
// else the largest value seen, else the whole worker.
import type { Histogram } from './histogram.js';

/** Mean wall time over all tasks, and for each bucket i the time share of the buckets above it. */
function timeTerms(h: Histogram): { tauMean: number; above: number[] } {
  const e = h.entries();
  const above = new Array<number>(e.length).fill(0);
  for (let i = e.length - 2; i >= 0; i--) above[i] = above[i + 1] + e[i + 1].time / h.total;
  return { tauMean: above[0] + e[0].time / h.total, above };
}

/**
 * min-waste: the a minimizing the expected resource·time of a task, a·E[t] + top·E[t; r > a]
 * (every task holds a; those above a run again at top).
 */
export function minWaste(h: Histogram, top: number): number {
  const e = h.entries();
  if (e.length === 0) return top;
  const { tauMean, above } = timeTerms(h);
  let best = top;
  let bestCost = Infinity;
  e.forEach((b, i) => {
    if (b.end < 1) return;
    const cost = b.end * tauMean + top * above[i];
    if (cost < bestCost) { bestCost = cost; best = b.end; }
  });
  return Math.min(best, top);
}

/**
 * max-throughput: the a maximizing tasks per unit of time, ((top/a)·P(r <= a) + P(r > a)) / (E[t] + E[t; r > a]):
 * top/a tasks of size a fit where one of size top would.
 */
export function maxThroughput(h: Histogram, top: number): number {
  const e = h.entries();
  if (e.length === 0) return top;
  const { tauMean, above } = timeTerms(h);
  let best = top;
  let bestRate = 0;
  let below = 0;
  e.forEach((b, i) => {
    below += b.count;
    if (b.end < 1) return;
    const rate = ((below * top) / b.end + (h.total - below)) / (tauMean + above[i]);
    if (rate > bestRate) { bestRate = rate; best = b.end; }
  });
  return Math.min(best, top);
}

/** max: the largest value seen plus a third of a bucket, rounded up to its bucket, within the cap. */
export function maxSeen(h: Histogram, cap: number): number {
  return Math.min(h.roundUp(h.maxValue + Math.floor(h.bucketSize / 3)), cap);
}
