// What happens in a manager, as plain records: the transaction log, the dashboard and metrics listen to these.
// Times are epoch seconds; memory and disk MB.
import type { ResourceAmounts, TaskOutcome } from '../protocol/messages.js';

export interface WorkerInfo {
  id: number;
  name: string;
  host: string;
  pid: number;
  resources: ResourceAmounts;
}

export type ManagerEvent =
  | { type: 'manager-start'; time: number; name: string; port: number | null }
  | { type: 'manager-end'; time: number }
  | { type: 'worker-connect'; time: number; worker: WorkerInfo }
  | { type: 'worker-disconnect'; time: number; worker: WorkerInfo; reason: string; requeued: number }
  /** A task changed state. `allocation` is what was reserved for it; `measured` what it used (when done). */
  | {
    type: 'task'; time: number; id: number; category: string; state: 'waiting' | 'running' | 'done';
    worker?: string; result?: TaskOutcome | 'max-retries'; allocation?: ResourceAmounts;
    measured?: { wallTime: number } & Partial<ResourceAmounts>;
  }
  | { type: 'category'; time: number; category: string; mode: string; allocation: Partial<ResourceAmounts> }
  /**
   * A function's environment was made (once per environment): how many files go with its bundle, their
   * bytes with the bundle's, and each place the analysis could not follow (`file:line:col: what was taken`).
   */
  | { type: 'environment'; time: number; function: string; hash: string; files: number; bytes: number; warnings: string[] };

export type ManagerEventListener = (e: ManagerEvent) => void;
