// How many workers the manager's backlog needs, as vine_factory decides it: the tasks waiting and running
// divided by the tasks one worker runs, or, when the manager reports per-category allocations, the resources
// those tasks reserve divided by one worker's — whichever needs more — kept between min and max.
import type { StatusView } from '../logs/observed-manager.js';
import { categoryRecords } from '../dashboard/status-tables.js';
import type { ResourceAmounts } from '../../protocol/messages.js';

export interface WorkerShape {
  cores: number;
  memory: number;
  disk: number | null;
  gpus: number;
}

export interface Need {
  /** Workers wanted, within [min, max]. */
  workers: number;
  backlog: number;
  byTasks: number;
  byResources: number | null;
  why: string;
}

export function workersNeeded(status: StatusView, shape: WorkerShape, o: { min: number; max: number; tasksPerWorker: number }): Need {
  const t = status.tasks;
  const backlog = (t.preparing ?? 0) + t.waiting + t.running;
  const byTasks = Math.ceil(backlog / o.tasksPerWorker);
  const byResources = resourceNeed(status, shape);
  const raw = Math.max(byTasks, byResources ?? 0);
  const workers = Math.min(o.max, Math.max(o.min, raw));
  let why = `${backlog} tasks / ${o.tasksPerWorker} per worker = ${byTasks}`;
  if (byResources !== null) why += `, by resources ${byResources}`;
  if (workers !== raw) why += `, kept within ${o.min}..${o.max}`;
  return { workers, backlog, byTasks, byResources, why };
}

/** Workers needed to hold every unfinished task's allocation, from category records shaped
 * { waiting, running, allocation: { cores, memory, disk, gpus } }; null when the manager reports none. */
function resourceNeed(status: StatusView, shape: WorkerShape): number | null {
  const need: ResourceAmounts = { cores: 0, memory: 0, disk: 0, gpus: 0 };
  let any = false;
  for (const c of categoryRecords(status.categories)) {
    const n = num(c.waiting) + num(c.running);
    const a = c.allocation as Partial<ResourceAmounts> | undefined;
    if (!n || !a || typeof a !== 'object') continue;
    any = true;
    need.cores += n * num(a.cores);
    need.memory += n * num(a.memory);
    need.disk += n * num(a.disk);
    need.gpus += n * num(a.gpus);
  }
  if (!any) return null;
  const per = (total: number, one: number | null) => (total > 0 && one ? Math.ceil(total / one - 1e-9) : 0);
  return Math.max(per(need.cores, shape.cores), per(need.memory, shape.memory), per(need.disk, shape.disk), per(need.gpus, shape.gpus));
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}
