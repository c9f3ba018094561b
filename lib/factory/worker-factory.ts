// The factory loop: each cycle asks the manager for its backlog, works out how many workers it needs, submits
// that many more (at most workersPerCycle at a time) or cancels idle extras, and says what it did.
import { queryStatus, type StatusQuery } from '../status-client.js';
import type { StatusView, WorkerStatusView } from '../logs/observed-manager.js';
import type { BatchSystem, JobState, WorkerJobSpec } from './batch-system.js';
import { workersNeeded, type Need, type WorkerShape } from './backlog.js';

export interface FactoryOptions {
  batch: BatchSystem;
  /** The manager's address, password and TLS settings (as for its workers). */
  manager: Omit<StatusQuery, 'timeout' | 'tasks'>;
  minWorkers: number;
  maxWorkers: number;
  workersPerCycle: number;
  tasksPerWorker: number;
  shape: WorkerShape;
  /** The job's command line and naming (see WorkerJobSpec). */
  job: Pick<WorkerJobSpec, 'argv' | 'namePrefix'>;
  /** Where each cycle's line goes. */
  log: (line: string) => void;
  statusTimeout?: number;
}

export interface CycleResult {
  status: StatusView | null;
  need: Need | null;
  jobs: { pending: number; running: number };
  connected: number;
  submitted: string[];
  cancelled: string[];
  line: string;
}

export class WorkerFactory {
  /** Jobs this factory submitted that the batch system still has. */
  private readonly jobs = new Map<string, JobState>();
  /** Jobs whose worker was idle at the previous cycle: idle twice in a row is cancelled, once is not. */
  private idleBefore = new Set<string>();
  private lastLine = '';
  readonly submittedEver: string[] = [];
  readonly cancelledEver: string[] = [];

  constructor(private readonly o: FactoryOptions) {}

  private jobOf(w: WorkerStatusView): string | null {
    return w.name.startsWith(this.o.job.namePrefix) ? w.name.slice(this.o.job.namePrefix.length) : null;
  }

  async cycle(): Promise<CycleResult> {
    const o = this.o;
    let status: StatusView | null = null;
    let problem = '';
    try {
      status = await queryStatus({ ...o.manager, timeout: o.statusTimeout ?? 10 }) as StatusView;
    } catch (err) {
      problem = (err as Error).message;
    }
    const alive = await o.batch.poll();
    for (const id of [...this.jobs.keys()]) if (!alive.has(id)) this.jobs.delete(id);
    for (const [id, state] of alive) if (this.jobs.has(id)) this.jobs.set(id, state);

    const ours = (status?.workers ?? []).filter((w) => { const j = this.jobOf(w); return j !== null && this.jobs.has(j); });
    const connectedJobs = new Set(ours.map((w) => this.jobOf(w)!));
    // Without a manager to ask, keep what runs and hold the minimum.
    const need = status ? workersNeeded(status, o.shape, { min: o.minWorkers, max: o.maxWorkers, tasksPerWorker: o.tasksPerWorker }) : null;
    const target = need ? need.workers : Math.max(o.minWorkers, Math.min(this.jobs.size, o.maxWorkers));
    // Jobs as the batch system reported them, before this cycle's action.
    const counts = { pending: 0, running: 0 };
    for (const st of this.jobs.values()) counts[st]++;
    const submitted: string[] = [];
    const cancelled: string[] = [];
    let submitError = '';
    if (this.jobs.size < target) {
      const n = Math.min(target - this.jobs.size, o.workersPerCycle);
      for (let i = 0; i < n; i++) {
        try {
          const id = await o.batch.submit({ ...o.job, ...o.shape });
          this.jobs.set(id, 'pending');
          submitted.push(id);
        } catch (err) {
          submitError = (err as Error).message;
          break;
        }
      }
    } else if (this.jobs.size > target) {
      cancelled.push(...this.extras(this.jobs.size - target, ours, connectedJobs));
      if (cancelled.length) {
        await o.batch.cancel(cancelled);
        for (const id of cancelled) this.jobs.delete(id);
      }
    }
    this.idleBefore = new Set(ours.filter(idle).map((w) => this.jobOf(w)!));
    this.submittedEver.push(...submitted);
    this.cancelledEver.push(...cancelled);

    const line = describe(status, problem, need, counts, ours, submitted, cancelled, submitError, o.batch.name);
    if (line !== this.lastLine || submitted.length || cancelled.length) o.log(line);
    this.lastLine = line;
    return { status, need, jobs: counts, connected: ours.length, submitted, cancelled, line };
  }

  /** Which jobs to cancel: not-yet-connected ones first, then workers idle for two cycles; never busy ones. */
  private extras(count: number, ours: WorkerStatusView[], connectedJobs: Set<string>): string[] {
    const notConnected = [...this.jobs.keys()].filter((id) => !connectedJobs.has(id))
      .sort((a, b) => Number(this.jobs.get(a) === 'running') - Number(this.jobs.get(b) === 'running'));
    const idleTwice = ours.filter((w) => idle(w) && this.idleBefore.has(this.jobOf(w)!)).map((w) => this.jobOf(w)!);
    return [...notConnected, ...idleTwice].slice(0, count);
  }

  /** Cancels every job this factory submitted (on exit, as vine_factory does on a terminating signal). */
  async stopAll(): Promise<string[]> {
    const ids = [...this.jobs.keys()];
    if (ids.length) await this.o.batch.cancel(ids);
    this.jobs.clear();
    this.cancelledEver.push(...ids);
    return ids;
  }
}

function idle(w: WorkerStatusView): boolean {
  return w.running === 0 && (w.queuedOnWorker ?? 0) === 0;
}

function describe(status: StatusView | null, problem: string, need: Need | null, jobs: { pending: number; running: number },
  ours: WorkerStatusView[], submitted: string[], cancelled: string[], submitError: string, batch: string): string {
  const parts: string[] = [];
  if (status) {
    const t = status.tasks;
    parts.push(`tasks ${t.waiting} waiting, ${t.running} running, ${t.done} done`);
    parts.push(`workers ${status.workers.length} connected (${ours.length} ours, ${ours.filter((w) => !idle(w)).length} busy)`);
  } else parts.push(`manager unreachable (${problem}); holding the minimum`);
  parts.push(`${batch} jobs ${jobs.running} running, ${jobs.pending} pending`);
  if (need) parts.push(`need ${need.workers} (${need.why})`);
  let action = 'nothing to do';
  if (submitted.length) action = `submitted ${submitted.length}: ${submitted.join(' ')}`;
  if (cancelled.length) action = `cancelled ${cancelled.length} idle: ${cancelled.join(' ')}`;
  if (submitError) action = `${submitted.length ? `${action}; then ` : ''}submitting failed: ${submitError}`;
  return `trellis factory: ${parts.join('; ')} → ${action}`;
}
