// What the logs, the dashboard and the factory need from a manager: its events and its status. Structural, so
// they work with any Manager version whose status() has at least these fields (newer fields are optional).
import type { ManagerEventListener } from '../events.js';
import type { ResourceAmounts } from '../protocol/messages.js';

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
}

export interface ObservedManager {
  onEvent(listener: ManagerEventListener): () => void;
  status(): StatusView;
}
