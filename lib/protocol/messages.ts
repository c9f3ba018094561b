// Every message that crosses the wire. Bodies are V8-serialized objects with a string `type`.

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
export interface Fatal { type: 'fatal'; message: string }
export interface Ping { type: 'ping' }

export interface Announce {
  type: 'announce';
  name: string;
  host: string;
  pid: number;
  resources: ResourceAmounts;
  /** Seconds the worker will live from now (its --wall-time), or null for no limit. */
  wallTimeLeft: number | null;
}

/** An environment bundle: code (CommonJS or ESM, its first line says which) named by the sha256 of its bytes. */
export interface EnvMessage { type: 'env'; hash: string; code: string }
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

export type TaskOutcome =
  | 'success' | 'exception' | 'max-wall-time' | 'thread-crash' | 'cancelled'
  | 'output-missing' | 'input-missing' | 'environment-failure' | 'resource-exhaustion';

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

export type ManagerMessage = EnvMessage | FileMessage | TaskSpec | Cancel | Shutdown | Ping | StatusReply;
export type WorkerMessage = Announce | TaskResult | EnvRequest | Ping | StatusRequest;
export type HandshakeMessage = Hello | Auth | Fatal;
export type AnyMessage = ManagerMessage | WorkerMessage | HandshakeMessage;

const KNOWN_TYPES = new Set(['hello', 'auth', 'fatal', 'ping', 'announce', 'env', 'file', 'task', 'cancel',
  'shutdown', 'result', 'env-request', 'status-request', 'status-reply']);

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
