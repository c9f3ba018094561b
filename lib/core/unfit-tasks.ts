// Tasks that need more than any connected worker has. They wait a grace period (a larger worker may be on
// its way: the factory, a user starting one by hand) and then end resource-exhaustion, naming what they asked
// for and the largest worker there is. Tasks asking for the same amounts share one clock, so a queue of a
// thousand such tasks ends together rather than a dispatch pass's worth at a time.
import { formatResources } from '../../protocol/resources.js';
import type { ResourceAmounts } from '../../protocol/messages.js';
import type { CoreTask, WorkerLink } from './worker-link.js';

interface Shape {
  need: ResourceAmounts;
  since: number;
  tasks: Map<number, CoreTask>;
}

export interface UnfitHooks {
  /** Seconds a task may wait for a worker it fits on. */
  grace(): number;
  links(): WorkerLink[];
  log(line: string): void;
  fail(t: CoreTask, why: string): void;
}

export class UnfitTasks {
  private readonly shapes = new Map<string, Shape>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly hooks: UnfitHooks) {}

  /** Called by a dispatch pass for a waiting task no connected worker can hold. */
  note(t: CoreTask, links: WorkerLink[]): void {
    const key = keyOf(t.resources);
    let shape = this.shapes.get(key);
    if (!shape) {
      shape = { need: t.resources, since: Date.now() / 1000, tasks: new Map() };
      this.shapes.set(key, shape);
      const largest = largestOf(links);
      this.hooks.log(`trellis manager: task ${t.id} needs ${formatResources(t.resources)}, more than any connected worker has` +
        `${largest ? ` (largest: ${largest.name} with ${formatResources(largest.total)})` : ''}; it waits ${this.hooks.grace()} s ` +
        'for a larger worker (tunable "fit-grace"), then ends resource-exhaustion');
    }
    if (shape.tasks.has(t.id)) return;
    shape.tasks.set(t.id, t);
    this.arm();
  }

  /** One line per shape of task waiting for a larger worker, for status() and the dashboard. */
  warnings(): string[] {
    const out: string[] = [];
    const now = Date.now() / 1000;
    const largest = largestOf(this.hooks.links());
    for (const s of this.shapes.values()) {
      let waiting = 0;
      for (const t of s.tasks.values()) if (t.state === 'waiting') waiting++;
      if (waiting === 0) continue;
      const left = Math.max(0, s.since + this.hooks.grace() - now);
      out.push(`${waiting} task(s) need ${formatResources(s.need)}, more than any connected worker has` +
        `${largest ? ` (largest: ${largest.name} with ${formatResources(largest.total)})` : ''}; ` +
        `they end resource-exhaustion in ${left.toFixed(1)} s unless a larger worker connects`);
    }
    return out;
  }

  clear(): void {
    this.shapes.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer || this.shapes.size === 0) return;
    let first = Infinity;
    for (const s of this.shapes.values()) first = Math.min(first, s.since);
    const wait = Math.max(0, first + this.hooks.grace() - Date.now() / 1000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.check();
      this.arm();
    }, Math.min(wait, 2_147_483) * 1000 + 5);
    this.timer.unref(); // unfinished tasks keep the process alive already
  }

  /** Forgets shapes some worker now holds, and ends the tasks of shapes past their grace. */
  private check(): void {
    const links = this.hooks.links();
    const now = Date.now() / 1000;
    const largest = largestOf(links);
    for (const [key, s] of this.shapes) {
      for (const [id, t] of s.tasks) if (t.state !== 'waiting') s.tasks.delete(id);
      if (s.tasks.size === 0 || links.some((w) => w.fitsAtAll(s.need))) {
        this.shapes.delete(key);
        continue;
      }
      if (!largest) {
        s.since = now; // no worker at all: nothing to compare with yet; the clock starts when one connects
        continue;
      }
      const grace = this.hooks.grace();
      if (now < s.since + grace) continue;
      this.shapes.delete(key);
      const why = `it asked for ${formatResources(s.need)}, more than any connected worker has (the largest, ${largest.name}, ` +
        `has ${formatResources(largest.total)}); no larger worker connected within ${grace} s (tunable "fit-grace")`;
      for (const t of s.tasks.values()) this.hooks.fail(t, why);
    }
  }
}

function keyOf(r: ResourceAmounts): string {
  return `${r.cores}/${r.memory}/${r.disk}/${r.gpus}`;
}

/** The worker with the most cores (then memory, disk, gpus). */
function largestOf(links: WorkerLink[]): WorkerLink | null {
  let best: WorkerLink | null = null;
  for (const w of links) {
    if (!best) { best = w; continue; }
    const a = w.total;
    const b = best.total;
    if (a.cores !== b.cores ? a.cores > b.cores : a.memory !== b.memory ? a.memory > b.memory : a.disk !== b.disk ? a.disk > b.disk : a.gpus > b.gpus) best = w;
  }
  return best;
}
