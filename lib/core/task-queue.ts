// The manager's queue of ready tasks: highest priority first, first in first out within a priority.

class Deque<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get length(): number { return this.items.length - this.head; }
  push(v: T): void { this.items.push(v); }
  unshift(v: T): void {
    if (this.head > 0) this.items[--this.head] = v;
    else this.items.unshift(v);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact now and then so a long-lived queue does not grow without bound.
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
}

export interface Queued { priority: number }

export class TaskQueue<T extends Queued> {
  private buckets = new Map<number, Deque<T>>();
  private order: number[] = [];
  size = 0;

  /** Forgets every queued task at once. */
  clear(): void {
    this.buckets.clear();
    this.order = [];
    this.size = 0;
  }

  push(t: T): void { this.bucket(t.priority).push(t); this.size++; }
  /** Puts a task back at the front of its priority (a retried task keeps its place). */
  unshift(t: T): void { this.bucket(t.priority).unshift(t); this.size++; }

  /**
   * Offers tasks in order to `place`; placed ones leave the queue. Stops after `maxSkips` tasks that could
   * not be placed, so one huge queue of unplaceable tasks costs bounded time per pass.
   */
  drain(place: (t: T) => 'placed' | 'skip' | 'drop' | 'stop', maxSkips: number): void {
    for (const p of this.order) {
      const dq = this.buckets.get(p)!;
      const skipped: T[] = [];
      let stop = false;
      while (dq.length > 0) {
        const t = dq.shift()!;
        const verdict = place(t);
        if (verdict === 'placed' || verdict === 'drop') { this.size--; continue; }
        skipped.push(t);
        if (verdict === 'stop' || skipped.length >= maxSkips) { stop = true; break; }
      }
      for (let i = skipped.length - 1; i >= 0; i--) dq.unshift(skipped[i]);
      if (stop) return;
    }
  }

  private bucket(p: number): Deque<T> {
    let dq = this.buckets.get(p);
    if (!dq) {
      dq = new Deque<T>();
      this.buckets.set(p, dq);
      this.order.push(p);
      this.order.sort((a, b) => b - a);
    }
    return dq;
  }
}
