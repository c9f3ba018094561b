// Aggregates manager events (from a transaction log or live) and status samples (from a performance log or
// live) into bounded per-interval series: memory grows with the workers and categories and with the tasks
// unfinished at one time, never with the number of events.
import { StepSeries, SampleSeries } from './series.js';
import type { ReportData, WorkerRow, CategoryReport } from './report-data.js';

const MAX_BINS = 1000;
const FIRST_BIN_SECONDS = 0.05;
const MAX_WORKER_ROWS = 100;
const MAX_TIMELINE_COLUMNS = 400;
const MAX_CATEGORIES = 12;

interface WorkerTrack extends Omit<WorkerRow, 'segments'> {
  running: number;
  order: number;
  /** Tasks running over time; -1 while not connected. */
  busy: StepSeries;
}

interface CategoryTrack {
  done: number;
  memory: SampleSeries;
  wallTime: SampleSeries;
  allocation: StepSeries;
}

/** What a status sample says: the fields of a performance record, plus per-worker use when live. */
export interface Sample {
  time: number;
  workers: { connected: number };
  tasks: { waiting: number; running: number; done: number };
  capacity: { cores: number };
  inUse: { cores: number };
  timeSpent?: unknown;
  perWorker?: { name: string; host?: string; cores: number; running: number; tasksDone?: number; connectedAt?: number }[];
}

export class Timeline {
  private t0: number | null = null;
  private tEnd = 0;
  private width = FIRST_BIN_SECONDS;
  private lastBin = 0;
  private readonly steps: StepSeries[] = [];
  private readonly samples: SampleSeries[] = [];
  private readonly waiting = this.step();
  private readonly running = this.step();
  private readonly done = this.step();
  private readonly connected = this.step();
  private readonly cores = this.step();
  private readonly coresInUse = this.step();
  private readonly timeSpent = new Map<string, StepSeries>();
  private readonly workers = new Map<string, WorkerTrack>();
  private readonly categories = new Map<string, CategoryTrack>();
  // Unfinished tasks only: the waiting ids and, for running ones, where they run and the cores they hold.
  private readonly waitingIds = new Set<number>();
  private readonly runningIds = new Map<number, { worker: WorkerTrack; cores: number }>();
  private nDone = 0;
  private nConnected = 0;
  private nCores = 0;
  private nCoresInUse = 0;
  private readonly results: Record<string, number> = {};
  private events = 0;
  private sawEvents = false;
  private sawSamples = false;
  /** When status samples are the authority for counts (live, or a performance log alone). */
  countsFromSamples = false;
  title = 'Trellis';

  constructor(start?: number) {
    if (start !== undefined) this.t0 = start;
  }

  setStart(time: number): void {
    if (this.t0 === null) this.t0 = time;
  }

  // ---- events --------------------------------------------------------------------------------------

  /** One manager event (a transaction log record has the same shape). */
  event(e: Record<string, unknown>): void {
    const time = typeof e.time === 'number' ? e.time : null;
    if (time === null) return;
    this.events++;
    this.sawEvents = true;
    const bin = this.binOf(time);
    switch (e.type) {
      case 'manager-start':
        if (typeof e.name === 'string') this.title = e.name;
        break;
      case 'worker-connect': this.onConnect(bin, time, e.worker as Record<string, unknown>); break;
      case 'worker-disconnect': this.onDisconnect(bin, time, e.worker as Record<string, unknown>, String(e.reason ?? '')); break;
      case 'task': this.onTask(bin, e); break;
      case 'category': {
        const alloc = e.allocation as { memory?: number } | undefined;
        if (typeof e.category === 'string' && typeof alloc?.memory === 'number') this.category(e.category).allocation.set(bin, alloc.memory);
        break;
      }
    }
  }

  private onConnect(bin: number, time: number, w: Record<string, unknown> | undefined): void {
    if (!w || typeof w.name !== 'string') return;
    const cores = Number((w.resources as { cores?: number } | undefined)?.cores ?? 0);
    const track = this.worker(w.name, String(w.host ?? ''), cores);
    if (track.connectedAt === null || track.disconnectedAt !== null) {
      if (!this.countsFromSamples) {
        this.nConnected++;
        this.nCores += cores;
        this.connected.set(bin, this.nConnected);
        this.cores.set(bin, this.nCores);
      }
    }
    track.connectedAt ??= time;
    track.disconnectedAt = null;
    track.reason = null;
    track.busy.set(bin, track.running);
  }

  private onDisconnect(bin: number, time: number, w: Record<string, unknown> | undefined, reason: string): void {
    if (!w || typeof w.name !== 'string') return;
    const track = this.workers.get(w.name);
    if (!track || track.disconnectedAt !== null) return;
    track.disconnectedAt = time;
    track.reason = reason;
    track.running = 0;
    track.busy.set(bin, -1);
    if (this.countsFromSamples) return;
    this.nConnected--;
    this.nCores -= track.cores;
    this.connected.set(bin, this.nConnected);
    this.cores.set(bin, this.nCores);
    // Its tasks go back to the queue (the manager logs no event per requeued task).
    for (const [id, r] of this.runningIds) {
      if (r.worker !== track) continue;
      this.runningIds.delete(id);
      this.waitingIds.add(id);
      this.nCoresInUse -= r.cores;
    }
    this.setCounts(bin);
  }

  private onTask(bin: number, e: Record<string, unknown>): void {
    const id = Number(e.id);
    const alloc = e.allocation as { cores?: number; memory?: number } | undefined;
    const cat = typeof e.category === 'string' ? this.category(e.category) : null;
    if (cat && typeof alloc?.memory === 'number' && alloc.memory > 0 && cat.allocation.current(-1) !== alloc.memory) {
      cat.allocation.set(bin, alloc.memory);
    }
    const wasRunning = this.runningIds.get(id);
    if (wasRunning) {
      this.runningIds.delete(id);
      this.nCoresInUse -= wasRunning.cores;
      wasRunning.worker.running = Math.max(0, wasRunning.worker.running - 1);
      wasRunning.worker.busy.set(bin, wasRunning.worker.running);
    }
    this.waitingIds.delete(id);
    if (e.state === 'waiting') this.waitingIds.add(id);
    else if (e.state === 'running' && typeof e.worker === 'string') {
      const w = this.worker(e.worker, '', 0);
      const cores = Number(alloc?.cores ?? 0);
      this.runningIds.set(id, { worker: w, cores });
      this.nCoresInUse += cores;
      w.running++;
      w.busy.set(bin, w.running);
    } else if (e.state === 'done') {
      this.nDone++;
      const result = String(e.result ?? 'unknown');
      this.results[result] = (this.results[result] ?? 0) + 1;
      if (wasRunning) wasRunning.worker.tasksDone++;
      const measured = e.measured as { wallTime?: number; memory?: number } | undefined;
      if (cat) {
        cat.done++;
        if (typeof measured?.memory === 'number') cat.memory.add(bin, measured.memory);
        if (typeof measured?.wallTime === 'number') cat.wallTime.add(bin, measured.wallTime);
      }
    }
    this.setCounts(bin);
  }

  private setCounts(bin: number): void {
    if (this.countsFromSamples) return;
    this.waiting.set(bin, this.waitingIds.size);
    this.running.set(bin, this.runningIds.size);
    this.done.set(bin, this.nDone);
    this.coresInUse.set(bin, this.nCoresInUse);
  }

  // ---- samples -------------------------------------------------------------------------------------

  /** A status sample (a performance log record, or manager.status() when live). */
  sample(s: Sample): void {
    this.sawSamples = true;
    const bin = this.binOf(s.time);
    if (this.countsFromSamples || !this.sawEvents) {
      this.waiting.set(bin, s.tasks.waiting);
      this.running.set(bin, s.tasks.running);
      this.done.set(bin, s.tasks.done);
      this.connected.set(bin, s.workers.connected);
    }
    this.cores.set(bin, s.capacity.cores);
    this.coresInUse.set(bin, s.inUse.cores);
    for (const [name, value] of numericLeaves(s.timeSpent)) {
      let series = this.timeSpent.get(name);
      if (!series) this.timeSpent.set(name, series = this.step());
      series.set(bin, value);
    }
    if (!s.perWorker) return;
    for (const pw of s.perWorker) {
      const w = this.worker(pw.name, pw.host ?? '', pw.cores);
      if (w.connectedAt === null || w.disconnectedAt !== null) {
        w.connectedAt ??= pw.connectedAt ?? s.time;
        w.disconnectedAt = null;
      }
      if (pw.tasksDone !== undefined) w.tasksDone = pw.tasksDone;
      w.running = pw.running;
      w.busy.set(bin, pw.running);
    }
  }

  // ---- bins ----------------------------------------------------------------------------------------

  private binOf(time: number): number {
    if (this.t0 === null) this.t0 = time;
    if (time > this.tEnd) this.tEnd = time;
    let b = Math.max(0, Math.floor((time - this.t0) / this.width));
    while (b >= MAX_BINS) {
      for (const s of this.steps) s.halve();
      for (const s of this.samples) s.halve();
      this.width *= 2;
      this.lastBin >>= 1;
      b = Math.max(0, Math.floor((time - this.t0) / this.width));
    }
    if (b > this.lastBin) this.lastBin = b;
    return b;
  }

  private step(): StepSeries {
    const s = new StepSeries();
    this.steps.push(s);
    return s;
  }

  private sampleSeries(): SampleSeries {
    const s = new SampleSeries();
    this.samples.push(s);
    return s;
  }

  private worker(name: string, host: string, cores: number): WorkerTrack {
    let w = this.workers.get(name);
    if (!w) {
      w = { name, host, cores, connectedAt: null, disconnectedAt: null, reason: null, tasksDone: 0, running: 0,
        order: this.workers.size, busy: this.step() };
      this.workers.set(name, w);
    }
    if (host && !w.host) w.host = host;
    if (cores && !w.cores) w.cores = cores;
    return w;
  }

  private category(name: string): CategoryTrack {
    let c = this.categories.get(name);
    if (!c) this.categories.set(name, c = { done: 0, memory: this.sampleSeries(), wallTime: this.sampleSeries(), allocation: this.step() });
    return c;
  }

  // ---- the report ----------------------------------------------------------------------------------

  report(now?: number): ReportData {
    const t0 = this.t0 ?? Date.now() / 1000;
    if (now !== undefined) this.binOf(now);
    const n = this.lastBin + 1;
    // One point per interval (its highest value), then a last point at the end with the final values.
    const times = Array.from({ length: n }, (_, b) => Math.round((t0 + b * this.width) * 1000));
    times.push(Math.round(Math.max(this.tEnd, t0) * 1000));
    const held = (s: StepSeries, before: number | null = 0, peak = true) => {
      const v = s.values(n, before, peak);
      v.push(v.length && s.first >= 0 ? s.current(before ?? NaN) : before);
      return v.map((x) => (x !== null && Number.isNaN(x) ? null : x));
    };
    const measured = (s: SampleSeries, what: 'max' | 'mean') => [...s.values(n, what), null];
    const notes: string[] = [];
    const cats = [...this.categories.entries()].sort((a, b) => b[1].done - a[1].done);
    const categories: CategoryReport[] = cats.slice(0, MAX_CATEGORIES).map(([name, c]) => ({
      name, tasksDone: c.done,
      memoryMax: measured(c.memory, 'max'),
      memoryAllocation: held(c.allocation, null, false),
      wallTimeMean: measured(c.wallTime, 'mean'),
    }));
    if (this.sawEvents && cats.every(([, c]) => c.memory.empty)) {
      notes.push('No task has reported its measured memory (yet): the memory chart shows allocations only.');
    }
    const rows = [...this.workers.values()].sort((a, b) => b.tasksDone - a.tasksDone || a.order - b.order);
    const workerRows = rows.slice(0, MAX_WORKER_ROWS).sort((a, b) => a.order - b.order)
      .map((w) => this.workerRow(w, n, times, t0));
    if (rows.length > MAX_WORKER_ROWS) notes.push(`The worker timeline shows the ${MAX_WORKER_ROWS} busiest of ${rows.length} workers.`);
    if (!this.sawEvents && this.sawSamples) notes.push('A performance log has no per-task events: per-category and per-worker charts need a transaction log.');
    const kinds = this.countsFromSamples && this.sawEvents ? ['live'] : [this.sawEvents && 'transactions', this.sawSamples && 'performance'];
    return {
      title: this.title,
      source: kinds.filter(Boolean).join('+') || 'empty',
      start: Math.round(t0 * 1000),
      end: times[times.length - 1],
      binSeconds: this.width,
      times,
      tasks: { waiting: held(this.waiting), running: held(this.running), done: held(this.done, 0, false) },
      workers: { connected: held(this.connected), cores: held(this.cores), coresInUse: held(this.coresInUse) },
      categories, hiddenCategories: Math.max(0, cats.length - MAX_CATEGORIES),
      workerRows, hiddenWorkers: Math.max(0, rows.length - MAX_WORKER_ROWS),
      timeSpent: [...this.timeSpent.entries()].map(([name, s]) => ({ name, values: held(s, null, false) })),
      // Samples lag events by up to an interval: never say fewer tasks done than results counted.
      totals: { tasksDone: this.countsFromSamples ? Math.max(this.done.current(), this.nDone) : this.nDone, results: { ...this.results },
        workersSeen: this.workers.size, events: this.events },
      notes,
    };
  }

  private workerRow(w: WorkerTrack, n: number, times: number[], t0: number): WorkerRow {
    // Columns of several bins each (the busiest value wins), then runs of equal value as one segment.
    const values = w.busy.values(n, -1);
    const per = Math.max(1, Math.ceil(n / MAX_TIMELINE_COLUMNS));
    const segments: [number, number, number][] = [];
    for (let b = 0; b < n; b += per) {
      let v = -1;
      for (let k = b; k < Math.min(n, b + per); k++) v = Math.max(v, values[k] ?? -1);
      const start = times[b];
      const end = Math.round((t0 + Math.min(n, b + per) * this.width) * 1000);
      const prev = segments[segments.length - 1];
      if (v < 0) continue;
      if (prev && prev[2] === v && prev[1] === start) prev[1] = end;
      else segments.push([start, end, v]);
    }
    return { name: w.name, host: w.host, cores: w.cores, connectedAt: w.connectedAt, disconnectedAt: w.disconnectedAt,
      reason: w.reason, tasksDone: w.tasksDone, segments };
  }
}

/** Flattens numbers in a nested object to dotted names ({dispatch: {send: 1}} → ['dispatch.send', 1]). */
function numericLeaves(v: unknown, prefix = ''): [string, number][] {
  if (typeof v === 'number' && Number.isFinite(v)) return [[prefix || 'value', v]];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [];
  const out: [string, number][] = [];
  for (const [k, x] of Object.entries(v)) out.push(...numericLeaves(x, prefix ? `${prefix}.${k}` : k));
  return out;
}
