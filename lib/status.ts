// The shape of manager.status(): plain data, the same from manager.status(), `trellis status --json` and
// the dashboard.
import type { ResourceAmounts } from './protocol/messages.js';

export interface WorkerStatus {
  id: number;
  name: string;
  host: string;
  pid: number;
  resources: ResourceAmounts;
  inUse: ResourceAmounts;
  running: number;
  queuedOnWorker: number;
  tasksDone: number;
  connectedAt: number;
}

export interface ManagerStatus {
  name: string;
  port: number | null;
  /** 'inline' (the application's thread) or 'thread' (a dispatcher thread). */
  dispatch: 'inline' | 'thread';
  workers: WorkerStatus[];
  tasks: { preparing: number; waiting: number; running: number; retrieved: number; done: number };
}
