// The performance log: every few seconds a JSON line with workers, tasks by state, capacity and use, and
// where the manager's time went (when the manager reports it).
import { LineWriter } from './line-writer.js';
import { makeHeader } from './log-format.js';
import type { ObservedManager, StatusView } from './observed-manager.js';
import type { LogHandle } from './transaction-log.js';
import { OptionError, describeValue } from '../options.js';
import type { ResourceAmounts } from '../../protocol/messages.js';

export interface PerformanceRecord {
  type: 'performance';
  time: number;
  workers: { connected: number; busy: number; idle: number };
  tasks: StatusView['tasks'];
  capacity: ResourceAmounts;
  inUse: ResourceAmounts;
  timeSpent?: unknown;
  categories?: unknown;
}

export function performanceRecord(s: StatusView, time = Date.now() / 1000): PerformanceRecord {
  const capacity = { cores: 0, memory: 0, disk: 0, gpus: 0 };
  const inUse = { cores: 0, memory: 0, disk: 0, gpus: 0 };
  let busy = 0;
  for (const w of s.workers) {
    for (const k of ['cores', 'memory', 'disk', 'gpus'] as const) {
      capacity[k] += w.resources[k];
      inUse[k] += w.inUse[k];
    }
    if (w.running > 0 || (w.queuedOnWorker ?? 0) > 0) busy++;
  }
  const r: PerformanceRecord = { type: 'performance', time, workers: { connected: s.workers.length, busy, idle: s.workers.length - busy },
    tasks: { ...s.tasks }, capacity, inUse };
  if (s.timeSpent !== undefined) r.timeSpent = s.timeSpent;
  if (s.categories !== undefined) r.categories = s.categories;
  return r;
}

export function attachPerformanceLog(manager: ObservedManager, path: string, intervalSeconds = 5): LogHandle {
  if (typeof intervalSeconds !== 'number' || !(intervalSeconds > 0) || !Number.isFinite(intervalSeconds)) {
    throw new OptionError(`performance log: intervalSeconds expects a number > 0, got ${describeValue(intervalSeconds)}`);
  }
  const out = new LineWriter('performance log', path);
  out.line(makeHeader('performance', manager.status().name));
  const sample = () => out.line(performanceRecord(manager.status()));
  sample();
  const timer = setInterval(sample, intervalSeconds * 1000);
  timer.unref(); // the log must not keep an application alive
  // A last sample when the manager ends, so the log shows the final state.
  const stop = manager.onEvent((e) => { if (e.type === 'manager-end') sample(); });
  let closed = false;
  return {
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      stop();
      sample();
      out.close();
    },
  };
}
