// A double-ended queue on a growable ring buffer: the replay's waiting tasks, where retries go back to
// the front and a scheduling pass takes from the front, both in O(1) without copying the queue.

export class Deque<T> {
  private items: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(initial: Iterable<T> = []) {
    this.items = [...initial];
    this.count = this.items.length;
    if (this.items.length === 0) this.items.length = 16;
  }

  get length(): number {
    return this.count;
  }

  pushBack(value: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = value;
    this.count++;
  }

  pushFront(value: T): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = value;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const value = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return value;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.items.length] as T;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<T | undefined>(Math.max(16, old.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) % old.length];
    this.items = next;
    this.head = 0;
  }
}
