// Per-interval series whose intervals double in width when there are too many, so memory stays bounded
// however long the run (a month-long log and a ten-second test both end with at most a few thousand points).
// Bin indices are absolute (from the timeline's start); a series stores only the bins from its first one.

/** A value held over time (tasks waiting, workers connected): per bin its last and its highest value. */
export class StepSeries {
  first = -1;
  last: number[] = [];
  peak: number[] = [];

  set(bin: number, value: number): void {
    const i = this.slot(bin);
    this.last[i] = value;
    if (!(this.peak[i] >= value)) this.peak[i] = value;
  }

  private slot(bin: number): number {
    if (this.first < 0) this.first = bin;
    if (bin < this.first) { // an event slightly out of order: fold it into the first bin
      bin = this.first;
    }
    const i = bin - this.first;
    while (this.last.length <= i) { this.last.push(NaN); this.peak.push(NaN); }
    return i;
  }

  halve(): void {
    if (this.first < 0) return;
    const last: number[] = [];
    const peak: number[] = [];
    const nf = this.first >> 1;
    for (let i = 0; i < this.last.length; i++) {
      const j = ((this.first + i) >> 1) - nf;
      if (last.length <= j) { last.push(NaN); peak.push(NaN); }
      if (!Number.isNaN(this.last[i])) last[j] = this.last[i];
      if (!(peak[j] >= this.peak[i])) peak[j] = Number.isNaN(this.peak[i]) ? peak[j] : this.peak[i];
    }
    this.first = nf;
    this.last = last;
    this.peak = peak;
  }

  /** One value per bin 0..n-1: the highest the value reached in the bin (`before` where it never was set). */
  values(n: number, before: number | null = 0, usePeak = true): (number | null)[] {
    const out: (number | null)[] = new Array(n);
    let carry: number | null = before;
    for (let b = 0; b < n; b++) {
      const i = b - this.first;
      if (this.first < 0 || i < 0 || i >= this.last.length) { out[b] = carry; continue; }
      const p = this.peak[i];
      const start = carry;
      if (!Number.isNaN(this.last[i])) carry = this.last[i];
      out[b] = usePeak && !Number.isNaN(p) ? Math.max(p, start ?? -Infinity) : carry;
    }
    return out;
  }

  /** The current value (the last one set), or `otherwise`. */
  current(otherwise = 0): number {
    for (let i = this.last.length - 1; i >= 0; i--) if (!Number.isNaN(this.last[i])) return this.last[i];
    return otherwise;
  }
}

/** Measurements (memory used, wall time): per bin their count, sum and maximum. */
export class SampleSeries {
  first = -1;
  count: number[] = [];
  sum: number[] = [];
  max: number[] = [];

  add(bin: number, value: number): void {
    if (this.first < 0) this.first = bin;
    if (bin < this.first) bin = this.first;
    const i = bin - this.first;
    while (this.count.length <= i) { this.count.push(0); this.sum.push(0); this.max.push(-Infinity); }
    this.count[i]++;
    this.sum[i] += value;
    if (value > this.max[i]) this.max[i] = value;
  }

  halve(): void {
    if (this.first < 0) return;
    const count: number[] = [];
    const sum: number[] = [];
    const max: number[] = [];
    const nf = this.first >> 1;
    for (let i = 0; i < this.count.length; i++) {
      const j = ((this.first + i) >> 1) - nf;
      if (count.length <= j) { count.push(0); sum.push(0); max.push(-Infinity); }
      count[j] += this.count[i];
      sum[j] += this.sum[i];
      if (this.max[i] > max[j]) max[j] = this.max[i];
    }
    this.first = nf;
    this.count = count;
    this.sum = sum;
    this.max = max;
  }

  get empty(): boolean { return this.first < 0; }

  /** Per bin 0..n-1 the maximum (or mean), null where nothing was measured. */
  values(n: number, what: 'max' | 'mean'): (number | null)[] {
    const out: (number | null)[] = new Array(n).fill(null);
    if (this.first < 0) return out;
    for (let i = 0; i < this.count.length; i++) {
      const b = this.first + i;
      if (b >= n || this.count[i] === 0) continue;
      out[b] = what === 'max' ? this.max[i] : this.sum[i] / this.count[i];
    }
    return out;
  }
}
