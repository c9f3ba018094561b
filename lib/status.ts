// The shape of manager.status(): plain data, the same from manager.status(), `trellis status --json` and
// the dashboard.
import type { ResourceAmounts } from '../protocol/messages.js';

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

export interface CategoryStatus {
  name: string;
  /** Allocation mode (fixed, max, min-waste, max-throughput, greedy-bucketing, exhaustive-bucketing, cost-bucketing). */
  mode: string;
  waiting: number;
  running: number;
  done: number;
  /** Attempts that went over their allocation. */
  exhaustions: number;
  /** The allocation a task of this category gets now (the latest one given). */
  allocation: ResourceAmounts;
  measuredMax: { cores: number; memory: number; disk: number };
  measuredMean: { cores: number; memory: number; disk: number };
  /** Σ used·wall / Σ allocated·wall over all attempts, per resource (0..1). */
  efficiency: { cores: number; memory: number; disk: number };
}

/** One task in `trellis status --tasks`: where it runs, what it was given, what it used (when done). */
export interface TaskListEntry {
  id: number;
  category: string;
  state: 'running' | 'done';
  worker: string | null;
  allocation: ResourceAmounts;
  /** Epoch seconds it was sent to its worker. */
  dispatched: number;
  result?: string;
  measured?: { wallTime: number; cpuTime: number; memory: number; disk?: number };
}

export interface ManagerStatus {
  name: string;
  port: number | null;
  /** 'inline' (the application's thread) or 'thread' (a dispatcher thread). */
  dispatch: 'inline' | 'thread';
  workers: WorkerStatus[];
  tasks: { preparing: number; waiting: number; running: number; retrieved: number; done: number };
  categories: CategoryStatus[];
  /** Problems the user should know of now, e.g. tasks that fit on no connected worker. */
  warnings: string[];
  /** Only in answers to a status query that asked for tasks: at most 1000 running, the last 100 finished. */
  taskList?: { running: TaskListEntry[]; recent: TaskListEntry[] };
}
