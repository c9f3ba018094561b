// Every message that crosses the wire. Bodies are V8-serialized objects with a string `type`.
import type { EnvFile } from './environment-files.js';

/** A worker runs tasks; a status client (trellis status, the factory) only asks what the manager is doing. */
export type Role = 'manager' | 'worker' | 'status';

/** Resources in Work Queue's units: cores, memory MB, disk MB, gpus. */
export interface ResourceAmounts {
  cores: number;
  memory: number;
  disk: number;
  gpus: number;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  /** Own enumerable properties that survived structured cloning, V8-serialized. */
  props?: Uint8Array;
}

export interface Hello { type: 'hello'; protocol: string; version: number; role: Role; nonce: string; auth: boolean }
export interface Auth { type: 'auth'; proof: string }
/** Why a link was closed, for the program on the other side to act on (a refusal is not retried). */
export type FatalCode =
  | 'version-mismatch' | 'wrong-role' | 'password-refused' | 'password-required' | 'password-unexpected'
  | 'manager-unproven' | 'bad-frame' | 'bad-message' | 'handshake-timeout' | 'keepalive-timeout'
  | 'too-many-connections' | 'too-slow-reader' | 'shutdown' | 'internal-error';
export interface Fatal { type: 'fatal'; code: FatalCode; message: string }
export interface Ping { type: 'ping' }

export interface Announce {
  type: 'announce';
  name: string;
  host: string;
  pid: number;
  resources: ResourceAmounts;
  /** Seconds the worker will live from now (its --wall-time), or null for no limit. */
  wallTimeLeft: number | null;
  /** Tasks of a journaled manager this worker kept running (or finished) while the link was down: the
   * manager's journal id and the task ids. A manager restarted from that journal adopts them. */
  held?: { journal: string; ids: number[] };
}

/** The manager's answer to an announce, before any task: its journal id (null: not journaled, so a worker
 * that loses it stops its tasks) and which held tasks it adopts (the worker stops and forgets the others). */
export interface Session { type: 'session'; journal: string | null; adopt: number[] }

/**
 * An environment: its bundle's code (CommonJS or ESM, its first line says which) and the files laid out
 * beside it, each sent before as a `file` message; named by environmentHash (environment-files.ts).
 */
export interface EnvMessage { type: 'env'; hash: string; code: string; files?: EnvFile[] }
/** A worker asks for an environment again: it refused the copy it got, or evicted it from its cache. */
export interface EnvRequest { type: 'env-request'; hash: string }
/** An input file's content, named by its sha256. */
export interface FileMessage { type: 'file'; hash: string; data: Uint8Array }

export interface FunctionTaskSpec {
  type: 'task';
  kind: 'function';
  id: number;
  env: string;
  exportName: string;
  args: Uint8Array;
  resources: ResourceAmounts;
  wallTime: number | null;
}

export interface CommandTaskSpec {
  type: 'task';
  kind: 'command';
  id: number;
  command: string;
  env: Record<string, string>;
  inputs: { hash: string; name: string }[];
  outputs: string[];
  resources: ResourceAmounts;
  wallTime: number | null;
}

export type TaskSpec = FunctionTaskSpec | CommandTaskSpec;

export interface Cancel { type: 'cancel'; id: number }
/** `tasks: true` also asks for the running tasks and the latest finished ones (see TaskListEntry). `where`
 * (a JX condition) keeps only the workers, categories and tasks for which it is true; `select` (a JX
 * expression) is evaluated on the status, the answer in StatusReply.query. Both evaluated by the manager. */
export interface StatusRequest { type: 'status-request'; tasks?: boolean; where?: string; select?: string }
/** The manager's status (see ManagerStatus in lib/manager.ts), as plain data; `query` answers where/select. */
export interface StatusReply { type: 'status-reply'; status: unknown; query?: { value?: unknown; error?: string } }
export interface Shutdown { type: 'shutdown'; reason: string }

/** Every way an attempt can end on a worker; the checks of incoming results read the same list. */
export const TASK_OUTCOMES = ['success', 'exception', 'max-wall-time', 'thread-crash', 'cancelled', 'output-missing',
  'input-missing', 'environment-failure', 'resource-exhaustion', 'result-too-large'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** What a task used, measured on the worker. Seconds, cores, MB. */
export interface Measurement {
  cpuTime: number;
  /** Peak memory: a thread's heap plus external memory, or a process tree's resident set. */
  memory: number;
  /** Peak cores in use at once (process trees, sampled); absent for thread calls. */
  coresPeak?: number;
  /** Sandbox size at the end (command tasks). */
  disk?: number;
}

export type LimitedResource = 'memory' | 'disk';

export interface TaskResult {
  type: 'result';
  id: number;
  outcome: TaskOutcome;
  /** V8-serialized return value of a function task. */
  value?: Uint8Array;
  error?: SerializedError;
  exitCode?: number | null;
  stdout?: string;
  stderr?: string;
  outputs?: { name: string; data: Uint8Array }[];
  /** Epoch seconds when the worker started and finished running it. */
  started: number;
  finished: number;
  /** Device ids the task was given. */
  gpuIds?: number[];
  measured?: Measurement;
  /** Set with outcome 'resource-exhaustion': which limit it went over. */
  exhausted?: { resource: LimitedResource; allocated: number; measured: number };
}

export type ManagerMessage = EnvMessage | FileMessage | TaskSpec | Cancel | Shutdown | Ping | StatusReply | Session;
export type WorkerMessage = Announce | TaskResult | EnvRequest | Ping | StatusRequest;
export type HandshakeMessage = Hello | Auth | Fatal;
export type AnyMessage = ManagerMessage | WorkerMessage | HandshakeMessage;

/** The kind byte in each frame's header (see frame-codec.ts), by message type. */
export const MESSAGE_KINDS = {
  'hello': 1, 'auth': 2, 'fatal': 3, 'ping': 4, 'announce': 5, 'env': 6, 'file': 7, 'task': 8, 'cancel': 9,
  'shutdown': 10, 'result': 11, 'env-request': 12, 'status-request': 13, 'status-reply': 14, 'session': 15,
} as const satisfies Record<AnyMessage['type'], number>;

export const FATAL_CODES: readonly FatalCode[] = ['version-mismatch', 'wrong-role', 'password-refused', 'password-required',
  'password-unexpected', 'manager-unproven', 'bad-frame', 'bad-message', 'handshake-timeout', 'keepalive-timeout',
  'too-many-connections', 'too-slow-reader', 'shutdown', 'internal-error'];

/** Codes that mean the peer refuses this side for good: reconnecting cannot help. */
export const REFUSAL_CODES: ReadonlySet<FatalCode> = new Set<FatalCode>(['version-mismatch', 'wrong-role',
  'password-refused', 'password-required', 'password-unexpected', 'manager-unproven']);

const KNOWN_TYPES = new Set(Object.keys(MESSAGE_KINDS));

/** Checks a decoded body is shaped like a message; returns a description of what is wrong, or null. */
export function messageShapeProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `expected an object with a string "type", got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return `expected a string "type", got ${typeof type}`;
  if (!KNOWN_TYPES.has(type)) return `unknown message type "${type}"`;
  return null;
}
