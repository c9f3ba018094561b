// Workers grouped by the resources they offer, as Work Queue 7.3's workers_summary: "12 workers with 16 cores,
// 64 GB", plus how many of each group are busy and the tasks they run.
import type { StatusView } from '../logs/observed-manager.js';

export interface WorkersGroup {
  workers: number;
  cores: number;
  memory: number;
  disk: number;
  gpus: number;
  /** Workers of the group running or holding at least one task. */
  busy: number;
  /** Tasks running on the group's workers. */
  running: number;
}

/** One entry per distinct (cores, memory, disk, gpus), the largest groups first. */
export function workersSummary(status: Pick<StatusView, 'workers'>): WorkersGroup[] {
  const groups = new Map<string, WorkersGroup>();
  for (const w of status.workers) {
    const r = w.resources;
    const key = `${r.cores}/${r.memory}/${r.disk}/${r.gpus}`;
    let g = groups.get(key);
    if (!g) groups.set(key, g = { workers: 0, cores: r.cores, memory: r.memory, disk: r.disk, gpus: r.gpus, busy: 0, running: 0 });
    g.workers++;
    g.running += w.running;
    if (w.running > 0 || (w.queuedOnWorker ?? 0) > 0) g.busy++;
  }
  return [...groups.values()].sort((a, b) => b.workers - a.workers || b.cores - a.cores || b.memory - a.memory);
}
