// The error a remote() call rejects with when its task ended without running the function to its end
// (stopped at its wall time, its thread crashed, its worker was lost too often, it was cancelled, ...).
import type { Task } from './task.js';

export class TaskFailedError extends Error {
  readonly code: string;
  readonly result: string;
  readonly taskId: number;
  readonly worker: string | null;

  constructor(task: Task, what: string, detail?: string) {
    const result = task.result ?? 'unknown';
    super(`${what} did not complete: ${result}${detail ? ` (${detail})` : ''}`);
    this.name = 'TaskFailedError';
    this.code = `TRELLIS_${result.toUpperCase().replace(/-/g, '_')}`;
    this.result = result;
    this.taskId = task.id;
    this.worker = task.worker;
  }
}
