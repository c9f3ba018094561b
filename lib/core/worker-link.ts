// The manager's view of one connected worker: its resources, what is reserved on it, the tasks it holds
// (running, or queued on it ahead of time), and which environments and files it already has.
import type { Connection } from '../../protocol/connection.js';
import type { Announce, ResourceAmounts } from '../../protocol/messages.js';
import { addTo, fitsWithin } from '../../protocol/resources.js';
import type { CoreTaskRecord } from './types.js';

/** A task as the dispatch core tracks it. */
export interface CoreTask extends CoreTaskRecord {
  state: 'waiting' | 'running' | 'done';
  lostCount: number;
  worker: string | null;
  dispatched: number;
  /** What the task asked for; `resources` is the allocation of the current attempt. */
  asked: ResourceAmounts;
  exhaustions: number;
  link?: WorkerLink;
}

export class WorkerLink {
  readonly total: ResourceAmounts;
  readonly used: ResourceAmounts = { cores: 0, memory: 0, disk: 0, gpus: 0 };
  /** Every task sent to this worker and not yet reported back. */
  readonly assigned = new Map<number, CoreTask>();
  /** Tasks sent beyond its capacity, in the order the worker will start them. */
  readonly backlog: CoreTask[] = [];
  readonly envs = new Set<string>();
  readonly files = new Set<string>();
  readonly connectedAt = Date.now() / 1000;
  readonly deadline: number | null;
  tasksDone = 0;

  constructor(readonly id: number, readonly conn: Connection, readonly info: Announce) {
    this.total = { ...info.resources };
    this.deadline = info.wallTimeLeft === null ? null : Date.now() / 1000 + info.wallTimeLeft;
  }

  get name(): string { return this.info.name; }

  fitsNow(need: ResourceAmounts): boolean {
    return this.backlog.length === 0 && fitsWithin(need, this.used, this.total);
  }

  fitsAtAll(need: ResourceAmounts): boolean {
    return fitsWithin(need, { cores: 0, memory: 0, disk: 0, gpus: 0 }, this.total);
  }

  /** Has time left for a task of this wall time. */
  hasTimeFor(wallTime: number | null): boolean {
    if (this.deadline === null) return true;
    const left = this.deadline - Date.now() / 1000;
    return wallTime === null ? left > 0 : left >= wallTime;
  }

  reserve(t: CoreTask): void {
    this.assigned.set(t.id, t);
    addTo(this.used, t.resources, 1);
  }

  queueAhead(t: CoreTask): void {
    this.assigned.set(t.id, t);
    this.backlog.push(t);
  }

  /** Forgets a reported task and moves queued tasks into the freed room, as the worker itself does. */
  release(t: CoreTask): void {
    this.assigned.delete(t.id);
    const i = this.backlog.indexOf(t);
    if (i >= 0) this.backlog.splice(i, 1);
    else addTo(this.used, t.resources, -1);
    while (this.backlog.length > 0 && fitsWithin(this.backlog[0].resources, this.used, this.total)) {
      addTo(this.used, this.backlog.shift()!.resources, 1);
    }
  }
}
