// Prometheus metrics for one manager: gauges read from its status at each scrape, counters and a histogram
// fed by its events. A registry of its own, so several managers in one process do not mix.
import { Registry, Gauge, Counter, Histogram } from 'prom-client';
import type { ObservedManager } from '../logs/observed-manager.js';

export interface ManagerMetrics {
  registry: Registry;
  /** The metrics in Prometheus text format. */
  text(): Promise<string>;
  contentType: string;
  stop(): void;
}

const RESOURCES = ['cores', 'memory', 'disk', 'gpus'] as const;

export function managerMetrics(manager: ObservedManager): ManagerMetrics {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'trellis_tasks', help: 'Tasks in each state now', labelNames: ['state'], registers,
    collect() {
      const t = manager.status().tasks;
      this.set({ state: 'preparing' }, t.preparing ?? 0);
      this.set({ state: 'waiting' }, t.waiting);
      this.set({ state: 'running' }, t.running);
    },
  });
  new Counter({
    name: 'trellis_tasks_done_total', help: 'Tasks finished since the manager started', registers,
    collect() {
      this.reset();
      this.inc(manager.status().tasks.done);
    },
  });
  const finished = new Counter({
    name: 'trellis_tasks_finished_total', help: 'Tasks finished, by result and category', labelNames: ['result', 'category'], registers,
  });
  const wallTime = new Histogram({
    name: 'trellis_task_wall_time_seconds', help: 'Measured wall time of finished tasks', labelNames: ['category'], registers,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400],
  });
  new Gauge({
    name: 'trellis_workers', help: 'Workers connected now, and how many of them run or hold a task', labelNames: ['state'], registers,
    collect() {
      const ws = manager.status().workers;
      const busy = ws.filter((w) => w.running > 0 || (w.queuedOnWorker ?? 0) > 0).length;
      this.set({ state: 'connected' }, ws.length);
      this.set({ state: 'busy' }, busy);
      this.set({ state: 'idle' }, ws.length - busy);
    },
  });
  const connects = new Counter({ name: 'trellis_worker_connections_total', help: 'Workers that connected', registers });
  const disconnects = new Counter({ name: 'trellis_worker_disconnections_total', help: 'Workers that disconnected', registers });
  new Gauge({
    name: 'trellis_resources', help: 'Resources offered by connected workers and in use by tasks (memory and disk in MB)',
    labelNames: ['resource', 'kind'], registers,
    collect() {
      const total = { cores: 0, memory: 0, disk: 0, gpus: 0 };
      const used = { cores: 0, memory: 0, disk: 0, gpus: 0 };
      for (const w of manager.status().workers) {
        for (const r of RESOURCES) { total[r] += w.resources[r]; used[r] += w.inUse[r]; }
      }
      for (const r of RESOURCES) {
        this.set({ resource: r, kind: 'offered' }, total[r]);
        this.set({ resource: r, kind: 'in_use' }, used[r]);
      }
    },
  });
  const stop = manager.onEvent((e) => {
    if (e.type === 'worker-connect') connects.inc();
    else if (e.type === 'worker-disconnect') disconnects.inc();
    else if (e.type === 'task' && e.state === 'done') {
      finished.inc({ result: e.result ?? 'unknown', category: e.category });
      if (e.measured) wallTime.observe({ category: e.category }, e.measured.wallTime);
    }
  });
  return { registry, text: () => registry.metrics(), contentType: registry.contentType, stop };
}
