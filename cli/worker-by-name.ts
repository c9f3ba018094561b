// `trellis worker --manager-name REGEX`: asks the catalog for live managers whose project matches, serves
// the one with the most waiting tasks (or N of them with --managers N, the resources split between them),
// and when a manager finishes looks for another, as work_queue_worker -M does.
import { availableParallelism, totalmem } from 'node:os';
import { Worker, type WorkerOptions } from '../runtime/worker.js';
import { findManagers } from '../lib/catalog/find-managers.js';

export interface ByNameOptions {
  pattern: string;
  catalog: { host: string; port: number };
  managers: number;
  /** Exit after this many seconds without a manager to serve (null: keep looking). */
  idleTimeout: number | null;
  wallTime: number | null;
  worker: Omit<WorkerOptions, 'host' | 'port'>;
  log: (line: string) => void;
}

export async function runByName(o: ByNameOptions): Promise<string> {
  const cores = o.worker.cores ?? availableParallelism();
  const memory = o.worker.memory ?? Math.floor(totalmem() / 2 ** 20);
  const share = { cores: Math.max(1, Math.floor(cores / o.managers)), memory: Math.max(1, Math.floor(memory / o.managers)) };
  const serving = new Map<string, Worker>();
  // Managers that could not be reached or refused us, and until when to leave them alone.
  const avoid = new Map<string, number>();
  let stopping: string | null = null;
  let wake: (() => void) | null = null;
  const stop = (reason: string) => {
    stopping ??= reason;
    for (const w of serving.values()) w.stop(reason);
    wake?.();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop(`received ${sig}`));
  const wallTimer = o.wallTime != null ? setTimeout(() => stop('its wall time ended'), o.wallTime * 1000) : null;
  let idleSince = Date.now();
  let lastNote = '';
  const note = (line: string) => { if (line !== lastNote) o.log(line); lastNote = line; };

  while (!stopping) {
    if (serving.size < o.managers) {
      let found: Awaited<ReturnType<typeof findManagers>> = [];
      try {
        found = await findManagers(o.catalog, o.pattern);
      } catch (err) {
        note(`trellis worker: ${(err as Error).message} (will keep asking)`);
      }
      const now = Date.now();
      for (const r of found) {
        const key = `${r.address}:${r.port}`;
        if (serving.size >= o.managers || serving.has(key) || (avoid.get(key) ?? 0) > now) continue;
        note(`trellis worker: serving project "${r.project}" at ${key} (${r.tasks_waiting} tasks waiting)`);
        const worker = new Worker({ ...o.worker, ...share, host: r.address, port: r.port, reconnect: false, connectTimeout: 10, idleTimeout: null, wallTime: null });
        serving.set(key, worker);
        void worker.run().then(
          (reason) => note(`trellis worker: left ${key}: ${reason}`),
          (err: Error) => { avoid.set(key, Date.now() + 60_000); note(`trellis worker: cannot serve ${key}: ${err.message}`); },
        ).finally(() => { serving.delete(key); idleSince = Date.now(); wake?.(); });
      }
    }
    if (serving.size === 0) {
      if (o.idleTimeout != null && Date.now() - idleSince > o.idleTimeout * 1000) { stopping = `no manager of project "${o.pattern}" for ${o.idleTimeout} s`; break; }
      note(`trellis worker: no live manager of project "${o.pattern}" in the catalog at ${o.catalog.host}:${o.catalog.port}; asking again`);
    } else {
      idleSince = Date.now();
    }
    // Ask the catalog again in a while, or as soon as a manager is left.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, serving.size >= o.managers ? 30_000 : 1000);
      wake = () => { clearTimeout(t); resolve(); };
    });
    wake = null;
  }
  if (wallTimer) clearTimeout(wallTimer);
  for (const w of serving.values()) w.stop(stopping ?? 'stopped');
  while (serving.size > 0) await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, 100); });
  return stopping ?? 'stopped';
}
