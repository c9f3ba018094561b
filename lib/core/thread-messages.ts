// Messages between the application's thread and the dispatcher thread. Each postMessage carries a batch.
import type { CoreTaskRecord, DoneReport } from './types.js';
import type { EnvFile } from '../../protocol/environment-files.js';
import type { ManagerEvent } from '../events.js';
import type { ManagerStatus } from '../status.js';

export type ToDispatcher =
  | { op: 'listen' }
  | { op: 'env'; hash: string; code: string; files: EnvFile[] }
  | { op: 'file'; hash: string; data: Uint8Array }
  | { op: 'add'; rec: CoreTaskRecord }
  | { op: 'cancel'; id: number }
  | { op: 'tune'; name: string; value: unknown }
  | { op: 'category'; name: string; what: 'mode' | 'max' | 'first'; value: unknown }
  | { op: 'events'; wanted: boolean }
  | { op: 'close' };

export type FromDispatcher =
  | { op: 'listening'; port: number }
  | { op: 'listen-failed'; message: string }
  | { op: 'done'; d: DoneReport }
  | { op: 'event'; e: ManagerEvent }
  | { op: 'log'; line: string }
  | { op: 'status'; s: ManagerStatus }
  | { op: 'closed' }
  /** One message from the application's thread was taken in. */
  | { op: 'ack' };
