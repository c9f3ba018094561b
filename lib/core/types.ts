// What the application side hands the dispatch core, and what the core hands back. Plain data, so the core
// can run in the application's thread or in a dispatcher thread of its own.
import type { ResourceAmounts, SerializedError, TaskOutcome, TaskResult } from '../../protocol/messages.js';
import type { ManagerEvent } from '../events.js';
import type { EnvFile } from '../../protocol/environment-files.js';
import type { ManagerStatus } from '../status.js';
import type { ServerTls } from './tls-credentials.js';

/** The part of a task the worker needs. Environment code and file data travel separately, once. */
export type WireSpec =
  | { kind: 'function'; env: string; exportName: string; args: Uint8Array }
  | { kind: 'command'; command: string; env: Record<string, string>; inputs: { hash: string; name: string }[];
    outputs: { name: string; localPath: string }[] };

export interface CoreTaskRecord {
  id: number;
  category: string;
  priority: number;
  /** What the task asks for (options, with defaults); the category may allocate otherwise. */
  resources: ResourceAmounts;
  /** The resources the user set explicitly: they override the category's allocation. */
  explicit: Partial<ResourceAmounts>;
  wallTime: number | null;
  retries: number;
  wire: WireSpec;
  /** Read back from a journal: a worker that kept running it may report it, and it is adopted. */
  restored?: boolean;
}

export type FinalResult = TaskOutcome | 'max-retries';

/** How a task ended, as the core saw it. */
export interface DoneReport {
  id: number;
  result: FinalResult;
  /** The worker's report, when a worker ran it to the end. */
  report?: TaskResult;
  /** Why the core ended it (lost too often, cancelled, an output not written). */
  error?: SerializedError;
  worker: string | null;
  dispatched: number;
  lostCount: number;
  /** The allocation of its last attempt, and how many attempts went over theirs. */
  allocation: ResourceAmounts;
  exhaustions: number;
}

export interface CoreOptions {
  host: string;
  port: number;
  password: string | null;
  /** TLS settings of the listening socket, or null for plain TCP. */
  tls: ServerTls | null;
  name: string;
  /** The manager's journal id, or null: workers keep a journaled manager's tasks running when it vanishes. */
  journal?: string | null;
  /** Start a worker inside the core (Manager.local). */
  embeddedWorker?: { cores?: number; memory?: number; disk?: number; gpus?: number; cacheDir?: string; cacheSize?: number | null };
}

/** The dispatch core: the server, the worker links, the queue and placement. */
export interface Core {
  listen(): Promise<number>;
  /** An environment: its bundle and the files laid out beside it (their contents given by addFile first). */
  addEnv(hash: string, code: string, files: EnvFile[]): void;
  addFile(hash: string, data: Uint8Array): void;
  add(rec: CoreTaskRecord): void;
  cancel(id: number): void;
  tune(name: string, value: unknown): void;
  /** Category settings (already checked by the caller): mode, max resources, first allocation. */
  setCategory(name: string, what: 'mode' | 'max' | 'first', value: unknown): void;
  status(): ManagerStatus;
  /** Keep the process alive (tasks are unfinished) or not. */
  setActive(active: boolean): void;
  /** Send events to onEvent (off by default: they cost a little per task). */
  setEventsWanted(wanted: boolean): void;
  close(): Promise<void>;
  onDone: (d: DoneReport) => void;
  onEvent: (e: ManagerEvent) => void;
  onLog: (line: string) => void;
}
