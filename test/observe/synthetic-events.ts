// A synthetic run of many tasks on many workers, as manager events in time order: the test and the benchmark
// of logs at scale use it (a real manager would need hours to produce 10^6 task records here).
import type { ManagerEvent, ManagerEventListener } from '../../lib/events.js';
import type { ObservedManager, StatusView } from '../../lib/logs/observed-manager.js';

export interface SyntheticRun {
  tasks: number;
  workers: number;
  coresPerWorker: number;
  /** Seconds of one round: every core runs one task per round. */
  round?: number;
}

export const CATEGORIES = ['align', 'sort', 'merge', 'plot'];

/** Every event of the run, in time order. */
export function* syntheticRun(r: SyntheticRun, start = Date.now() / 1000): Generator<ManagerEvent> {
  const slots = r.workers * r.coresPerWorker;
  const round = r.round ?? 30;
  yield { type: 'manager-start', time: start, name: 'synthetic', port: 9123 };
  const workers = Array.from({ length: r.workers }, (_, i) => ({ id: i + 1, name: `node${i + 1}:100${i}`, host: `node${i + 1}`, pid: 1000 + i,
    resources: { cores: r.coresPerWorker, memory: 64_000, disk: 100_000, gpus: 0 } }));
  for (const [i, w] of workers.entries()) yield { type: 'worker-connect', time: start + 1 + i * 0.01, worker: w };
  let next = 0;
  let submitted = 0;
  let t = start + 5;
  for (let rd = 0; next < r.tasks; rd++, t += round) {
    // Tasks arrive in waves of ten rounds' worth.
    if (submitted === next) {
      const wave = Math.min(r.tasks - submitted, slots * 10);
      for (let k = 0; k < wave; k++, submitted++) {
        const category = CATEGORIES[submitted % CATEGORIES.length];
        yield { type: 'task', time: t, id: submitted + 1, category, state: 'waiting', allocation: alloc(category, rd) };
      }
    }
    if (rd % 50 === 0) for (const c of CATEGORIES) yield { type: 'category', time: t, category: c, mode: 'max', allocation: alloc(c, rd) };
    const batch = Math.min(slots, submitted - next);
    for (let s = 0; s < batch; s++) {
      const id = next + s + 1;
      const category = CATEGORIES[(id - 1) % CATEGORIES.length];
      yield { type: 'task', time: t + 0.1, id, category, state: 'running', worker: workers[s % r.workers].name, allocation: alloc(category, rd) };
    }
    for (let s = 0; s < batch; s++) {
      const id = next + s + 1;
      const category = CATEGORIES[(id - 1) % CATEGORIES.length];
      const wall = round * (0.3 + 0.6 * (s / slots));
      yield { type: 'task', time: t + 0.1 + wall, id, category, state: 'done', worker: workers[s % r.workers].name,
        result: id % 1000 === 0 ? 'exception' : 'success', allocation: alloc(category, rd),
        measured: { wallTime: wall, memory: memoryOf(category, id) } };
    }
    next += batch;
  }
  for (const w of workers) yield { type: 'worker-disconnect', time: t, worker: w, reason: 'idle timeout', requeued: 0 };
  yield { type: 'manager-end', time: t + 1 };
}

function alloc(category: string, round: number) {
  const base = 1000 * (CATEGORIES.indexOf(category) + 1);
  return { cores: 1, memory: base + 100 * Math.floor(round / 50), disk: 0, gpus: 0 };
}

function memoryOf(category: string, id: number): number {
  return 500 * (CATEGORIES.indexOf(category) + 1) + (id * 7919) % 400;
}

/** A manager stand-in that replays events to its listeners (for writing logs without a real run). */
export class ReplayManager implements ObservedManager {
  private listeners: ManagerEventListener[] = [];
  onEvent(l: ManagerEventListener): () => void {
    this.listeners.push(l);
    return () => { this.listeners = this.listeners.filter((x) => x !== l); };
  }
  emit(e: ManagerEvent): void {
    for (const l of this.listeners) l(e);
  }
  status(): StatusView {
    return { name: 'synthetic', workers: [], tasks: { waiting: 0, running: 0, done: 0 } };
  }
}

/** Writes a synthetic run to a transaction log through attachTransactionLog, yielding to the event loop as a
 * real manager would. Resolves with the number of events. */
export async function writeSyntheticLog(path: string, run: SyntheticRun,
  attach: (m: ObservedManager, path: string) => { close(): Promise<void> }): Promise<number> {
  const m = new ReplayManager();
  const log = attach(m, path);
  let n = 0;
  for (const e of syntheticRun(run)) {
    m.emit(e);
    if (++n % 20_000 === 0) await new Promise((r) => setImmediate(r));
  }
  await log.close();
  return n;
}
