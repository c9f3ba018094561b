// A transaction log turned into what a JX query reads: `tasks` (one record per task: its category, last
// state and result, worker, times, attempts, what it used), `workers`, `categories` and `manager`; a
// performance log gives `samples`. `trellis query LOG EXPR` evaluates EXPR on it.
import type { JxObject, JxValue } from '../jx/index.js';
import { readLog } from './log-reader.js';

interface TaskRow {
  id: number; category: string; state: string; result: string | null; worker: string | null;
  submitted: number | null; started: number | null; finished: number | null; attempts: number;
  wall: number | null; cores: number | null; memory: number | null; disk: number | null; allocation: unknown;
}

export async function logQueryContext(path: string): Promise<JxObject> {
  const tasks = new Map<number, TaskRow>();
  const workers = new Map<string, JxObject>();
  const categories = new Map<string, JxObject>();
  const samples: JxValue[] = [];
  let manager: JxObject = {};
  const header = await readLog(path, (r) => {
    switch (r.type) {
      case 'task': {
        const id = r.id as number;
        let t = tasks.get(id);
        if (!t) {
          t = { id, category: r.category as string, state: 'waiting', result: null, worker: null, submitted: null, started: null, finished: null,
            attempts: 0, wall: null, cores: null, memory: null, disk: null, allocation: null };
          tasks.set(id, t);
        }
        t.state = r.state as string;
        if (r.state === 'waiting') t.submitted ??= r.time as number;
        if (r.state === 'running') { t.attempts++; t.started = r.time as number; t.worker = (r.worker as string | undefined) ?? t.worker; }
        if (r.state === 'done') {
          t.finished = r.time as number;
          t.result = (r.result as string | undefined) ?? null;
          const m = r.measured as { wallTime?: number; cores?: number; memory?: number; disk?: number } | undefined;
          if (m) { t.wall = m.wallTime ?? null; t.cores = m.cores ?? null; t.memory = m.memory ?? null; t.disk = m.disk ?? null; }
        }
        if (r.allocation) t.allocation = r.allocation;
        return;
      }
      case 'worker-connect': {
        const w = r.worker as { name: string; host: string; resources: JxObject };
        workers.set(w.name, { name: w.name, host: w.host, ...w.resources, connected: r.time as number, disconnected: null, reason: null });
        return;
      }
      case 'worker-disconnect': {
        const w = workers.get((r.worker as { name: string }).name);
        if (w) { w.disconnected = r.time as number; w.reason = r.reason as string; w.requeued = r.requeued as number; }
        return;
      }
      case 'category':
        categories.set(r.category as string, { name: r.category as string, mode: r.mode as string, allocation: r.allocation as JxObject, time: r.time as number });
        return;
      case 'manager-start':
        manager = { name: r.name as string, port: r.port as number, start: r.time as number, end: null };
        return;
      case 'manager-end':
        manager.end = r.time as number;
        return;
      default:
        samples.push(r as JxObject);
    }
  });
  if (header.log === 'performance') return { manager: { name: header.manager }, samples };
  return { manager, tasks: [...tasks.values()] as unknown as JxValue[], workers: [...workers.values()], categories: [...categories.values()] };
}
