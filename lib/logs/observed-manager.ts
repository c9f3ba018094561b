// What the logs, the dashboard and the factory need from a manager: its events and its status. Structural, so
// they work with any Manager version whose status() has at least these fields (newer fields are optional).
import type { ManagerEventListener } from '../events.js';
import type { ResourceAmounts } from '../../protocol/messages.js';

export interface WorkerStatusView {
  id?: number;
  name: string;
  host?: string;
  resources: ResourceAmounts;
  inUse: ResourceAmounts;
  running: number;
  queuedOnWorker?: number;
  tasksDone?: number;
  connectedAt?: number;
}

export interface StatusView {
  name: string;
  port?: number | null;
  workers: WorkerStatusView[];
  tasks: { preparing?: number; waiting: number; running: number; done: number; retrieved?: number };
  /** Per-category statistics, when the manager reports them (array of records or a record keyed by name). */
  categories?: unknown;
  /** Where the manager's time went, when it reports it (seconds by activity). */
  timeSpent?: unknown;
  /** Running and latest finished tasks, in answers to a status query that asked for them. */
  taskList?: { running: TaskRow[]; recent: TaskRow[] };
  /** Problems the user should know of now (tasks that fit on no worker, ...). */
  warnings?: string[];
}

export interface TaskRow {
  id: number;
  category: string;
  worker: string | null;
  allocation: ResourceAmounts;
  dispatched: number;
  result?: string;
  measured?: { wallTime: number; cpuTime: number; memory: number; disk?: number };
}

export interface ObservedManager {
  onEvent(listener: ManagerEventListener): () => void;
  status(): StatusView;
}
