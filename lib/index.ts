// The public API of Trellis, and nothing else.
export { remote, configure, type RemoteOptions, type RemoteFunction } from './remote.js';
export { Manager, type ManagerOptions, type ManagerStatus, type WorkerStatus } from './manager.js';
export { Task, FunctionTask, CommandTask, type TaskResultName, type TaskState, type TaskTimes } from './task.js';
export type { TaskOptions } from './task-options.js';
export type { LocalOptions } from './local-pool.js';
export { TaskFailedError } from './task-failure.js';
export { OptionError } from './options.js';
export type { ManagerEvent, ManagerEventListener, WorkerInfo } from './events.js';
export { queryStatus, type StatusQuery } from './status-client.js';
export type { CategoryStatus } from './status.js';
export type { WorkersGroup } from './dashboard/workers-summary.js';
export type { MapOptions } from './map.js';
export type { AllocationMode } from './allocation/index.js';
