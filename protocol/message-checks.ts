// Checks every field of every message a peer sends, before any of it is used: a malformed message closes that
// link with a precise reason instead of throwing in (or corrupting) the process that received it. Each check
// returns null, or what was expected at which field and what was given.
import { FATAL_CODES, TASK_OUTCOMES, type AnyMessage } from './messages.js';

const ROLES = new Set(['manager', 'worker', 'status']);
const OUTCOMES = new Set<string>(TASK_OUTCOMES);
const FATAL = new Set<string>(FATAL_CODES);
const HEX64 = /^[0-9a-f]{64}$/;
const SHORT_TEXT = 4096;

type Fields = Record<string, unknown>;

/** A short description of a bad value: its type and, for scalars, the value itself. */
export function given(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return v.length > 60 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

function isObject(v: unknown): v is Fields {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function count(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && v <= Number.MAX_VALUE; // false for NaN and Infinity too
}

function text(m: Fields, key: string, what: string, max = SHORT_TEXT): string | null {
  const v = m[key];
  return typeof v === 'string' && v.length <= max ? null : `${what}: expected "${key}" to be a string of at most ${max} characters, got ${given(v)}`;
}

function num(m: Fields, key: string, what: string): string | null {
  return count(m[key]) ? null : `${what}: expected "${key}" to be a finite number >= 0, got ${given(m[key])}`;
}

function optNum(m: Fields, key: string, what: string): string | null {
  return m[key] === undefined ? null : num(m, key, what);
}

function taskId(m: Fields, what: string): string | null {
  const id = m.id;
  return Number.isInteger(id) && (id as number) >= 0 && (id as number) <= 0xffffffff ? null
    : `${what}: expected "id" to be an integer from 0 to 4294967295, got ${given(id)}`;
}

function hash(m: Fields, key: string, what: string): string | null {
  const v = m[key];
  return typeof v === 'string' && HEX64.test(v) ? null : `${what}: expected "${key}" to be a sha256 in hex, got ${given(v)}`;
}

function bytes(m: Fields, key: string, what: string): string | null {
  return m[key] instanceof Uint8Array ? null : `${what}: expected "${key}" to be bytes (Uint8Array), got ${given(m[key])}`;
}

function resources(m: Fields, what: string): string | null {
  const r = m.resources;
  if (!isObject(r)) return `${what}: expected "resources" to be an object, got ${given(r)}`;
  for (const k of ['cores', 'memory', 'disk', 'gpus']) {
    if (!count(r[k])) return `${what}: expected "resources.${k}" to be a finite number >= 0, got ${given(r[k])}`;
  }
  return null;
}

/** Tasks a worker kept running for a journaled manager that went away: { journal, ids }. */
function heldProblem(h: unknown): string | null {
  if (h === undefined) return null;
  if (!isObject(h) || typeof h.journal !== 'string' || !Array.isArray(h.ids) || !h.ids.every((i) => Number.isInteger(i))) {
    return `announce: expected "held" to be { journal: string, ids: integer[] }, got ${given(h)}`;
  }
  return null;
}

function wallTime(m: Fields, key: string, what: string): string | null {
  return m[key] === null || count(m[key]) ? null : `${what}: expected "${key}" to be null or a finite number >= 0, got ${given(m[key])}`;
}

/** The fields of a hello that must be read before the version is compared. */
export function helloVersionProblem(m: Fields): string | null {
  return text(m, 'protocol', 'hello', 64) ?? (Number.isInteger(m.version) ? null : `hello: expected an integer "version", got ${given(m.version)}`);
}

const CHECKS: Record<AnyMessage['type'], (m: Fields) => string | null> = {
  hello: (m) => helloVersionProblem(m)
    ?? (ROLES.has(m.role as string) ? null : `hello: expected "role" to be manager, worker or status, got ${given(m.role)}`)
    ?? (typeof m.nonce === 'string' && HEX64.test(m.nonce) ? null : `hello: expected "nonce" to be 64 hex digits, got ${given(m.nonce)}`)
    ?? (typeof m.auth === 'boolean' ? null : `hello: expected "auth" to be true or false, got ${given(m.auth)}`),
  auth: (m) => typeof m.proof === 'string' && HEX64.test(m.proof) ? null : `auth: expected "proof" to be 64 hex digits, got ${given(m.proof)}`,
  fatal: (m) => (typeof m.code === 'string' && FATAL.has(m.code) ? null : `fatal: expected "code" to be one of ${FATAL_CODES.join(', ')}, got ${given(m.code)}`)
    ?? text(m, 'message', 'fatal', 16384),
  ping: () => null,
  announce: (m) => text(m, 'name', 'announce', 256) ?? text(m, 'host', 'announce', 256)
    ?? (Number.isInteger(m.pid) && (m.pid as number) >= 0 ? null : `announce: expected "pid" to be an integer >= 0, got ${given(m.pid)}`)
    ?? resources(m, 'announce') ?? wallTime(m, 'wallTimeLeft', 'announce') ?? heldProblem(m.held),
  session: (m) => (m.journal === null || typeof m.journal === 'string' ? null : `session: expected "journal" to be a string or null, got ${given(m.journal)}`)
    ?? (Array.isArray(m.adopt) && m.adopt.every((i) => Number.isInteger(i)) ? null : `session: expected "adopt" to be an array of task ids, got ${given(m.adopt)}`),
  env: (m) => hash(m, 'hash', 'env') ?? (typeof m.code === 'string' ? null : `env: expected "code" to be a string, got ${given(m.code)}`),
  'env-request': (m) => hash(m, 'hash', 'env-request'),
  file: (m) => hash(m, 'hash', 'file') ?? bytes(m, 'data', 'file'),
  task: taskProblem,
  cancel: (m) => taskId(m, 'cancel'),
  shutdown: (m) => text(m, 'reason', 'shutdown', 16384),
  'status-request': (m) => (m.tasks === undefined || typeof m.tasks === 'boolean' ? null
    : `status-request: expected "tasks" to be true, false or absent, got ${given(m.tasks)}`)
    ?? (m.where === undefined ? null : text(m, 'where', 'status-request', 64 * 1024))
    ?? (m.select === undefined ? null : text(m, 'select', 'status-request', 64 * 1024)),
  'status-reply': (m) => isObject(m.status) ? null : `status-reply: expected "status" to be an object, got ${given(m.status)}`,
  result: resultProblem,
};

/** Checks a decoded body is a well-formed message of the kind its frame header named; null if it is. */
export function messageProblem(value: unknown, type: AnyMessage['type']): string | null {
  if (!isObject(value)) return `expected a "${type}" message (an object), got ${given(value)}`;
  if (value.type !== type) return `the frame header says "${type}" but the body is a ${given(value.type)} message`;
  return CHECKS[type](value);
}

function taskProblem(m: Fields): string | null {
  const first = taskId(m, 'task') ?? resources(m, 'task') ?? wallTime(m, 'wallTime', 'task');
  if (first) return first;
  if (m.kind === 'function') {
    return hash(m, 'env', 'task') ?? text(m, 'exportName', 'task', 1024) ?? bytes(m, 'args', 'task');
  }
  if (m.kind !== 'command') return `task: expected "kind" to be function or command, got ${given(m.kind)}`;
  const bad = text(m, 'command', 'task', 1 << 20);
  if (bad) return bad;
  if (!isObject(m.env) || !Object.values(m.env).every((v) => typeof v === 'string')) {
    return `task: expected "env" to be an object of strings, got ${given(m.env)}`;
  }
  if (!Array.isArray(m.inputs) || !m.inputs.every((i) => isObject(i) && hash(i, 'hash', '') === null && typeof i.name === 'string')) {
    return `task: expected "inputs" to be an array of { hash, name }, got ${given(m.inputs)}`;
  }
  if (!Array.isArray(m.outputs) || !m.outputs.every((o) => typeof o === 'string')) {
    return `task: expected "outputs" to be an array of strings, got ${given(m.outputs)}`;
  }
  return null;
}

/** A task result, field by field. (Whether its value bytes decode is checked where they are decoded.) */
export function resultProblem(m: Fields): string | null {
  const w = 'result';
  const bad = taskId(m, w)
    ?? (OUTCOMES.has(m.outcome as string) ? null : `result: expected "outcome" to be one of ${[...OUTCOMES].join(', ')}, got ${given(m.outcome)}`)
    ?? num(m, 'started', w) ?? num(m, 'finished', w)
    ?? ((m.finished as number) >= (m.started as number) ? null : `result: "finished" (${String(m.finished)}) is before "started" (${String(m.started)})`)
    ?? (m.value === undefined ? null : bytes(m, 'value', w));
  if (bad) return bad;
  if (m.measured !== undefined) {
    const me = m.measured;
    if (!isObject(me)) return `result: expected "measured" to be an object, got ${given(me)}`;
    const p = num(me, 'cpuTime', 'result.measured') ?? num(me, 'memory', 'result.measured')
      ?? optNum(me, 'coresPeak', 'result.measured') ?? optNum(me, 'disk', 'result.measured');
    if (p) return p;
  }
  if (m.error !== undefined) {
    const e = m.error;
    if (!isObject(e)) return `result: expected "error" to be an object, got ${given(e)}`;
    const p = text(e, 'name', 'result.error', 256) ?? text(e, 'message', 'result.error', 1 << 20)
      ?? (e.stack === undefined ? null : text(e, 'stack', 'result.error', 1 << 20))
      ?? (e.props === undefined ? null : bytes(e, 'props', 'result.error'))
      ?? (e.code === undefined || e.code === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof e.code) ? null
        : `result.error: expected "code" to be a string, number or nothing, got ${given(e.code)}`);
    if (p) return p;
  }
  if (m.exitCode !== undefined && m.exitCode !== null && !Number.isInteger(m.exitCode)) {
    return `result: expected "exitCode" to be an integer or null, got ${given(m.exitCode)}`;
  }
  for (const k of ['stdout', 'stderr']) {
    if (m[k] !== undefined && typeof m[k] !== 'string') return `result: expected "${k}" to be a string, got ${given(m[k])}`;
  }
  if (m.outputs !== undefined && !(Array.isArray(m.outputs) &&
    m.outputs.every((o) => isObject(o) && typeof o.name === 'string' && o.data instanceof Uint8Array))) {
    return `result: expected "outputs" to be an array of { name, data }, got ${given(m.outputs)}`;
  }
  if (m.gpuIds !== undefined && !(Array.isArray(m.gpuIds) && m.gpuIds.every((g) => Number.isInteger(g) && g >= 0))) {
    return `result: expected "gpuIds" to be an array of integers >= 0, got ${given(m.gpuIds)}`;
  }
  if (m.exhausted !== undefined) {
    const x = m.exhausted;
    if (!isObject(x) || (x.resource !== 'memory' && x.resource !== 'disk')) {
      return `result: expected "exhausted" to be { resource: memory or disk, allocated, measured }, got ${given(x)}`;
    }
    const p = num(x, 'allocated', 'result.exhausted') ?? num(x, 'measured', 'result.exhausted');
    if (p) return p;
  }
  return null;
}
