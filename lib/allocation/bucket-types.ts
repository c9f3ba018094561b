// Shared shapes of TaskVine-style bucketing: measured points and the buckets computed from them.

export interface Point {
  value: number;
  /** Significance: TaskVine weighs the i-th completion by i, so recent tasks count more. */
  weight: number;
}

export interface ValueBucket {
  /** The allocation a task drawn into this bucket gets: the largest point value in it. */
  value: number;
  /** Share of the total significance of the points in the bucket. */
  prob: number;
}

/** Buckets from break values (sorted, the last one the largest point): each takes the points up to its value. */
export function bucketsFromBreaks(points: readonly Point[], breaks: readonly number[]): ValueBucket[] {
  const total = points.reduce((s, p) => s + p.weight, 0);
  const out: ValueBucket[] = [];
  let i = 0;
  for (const value of breaks) {
    let mass = 0;
    while (i < points.length && points[i].value <= value) mass += points[i++].weight;
    if (mass > 0) out.push({ value, prob: mass / total });
  }
  return out;
}
