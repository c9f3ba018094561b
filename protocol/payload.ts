// Values travel as V8 structured-clone bytes (Map, Set, Date, BigInt, typed arrays round-trip as between
// threads); errors travel as their name, message, stack, code and clonable own properties.
import { serialize, deserialize } from 'node:v8';
import type { SerializedError } from './messages.js';

export function encodeValue(value: unknown): Uint8Array {
  return serialize(value);
}

export function decodeValue(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}

export function encodeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) {
    let props: Uint8Array | undefined;
    try { props = serialize({ value: err }); } catch { /* unclonable: message says what it was */ }
    return { name: 'NonErrorThrown', message: `a non-Error value was thrown: ${describe(err)}`, props };
  }
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(err)) {
    if (key === 'stack' || key === 'message' || key === 'name') continue;
    const v = (err as unknown as Record<string, unknown>)[key];
    try { serialize(v); own[key] = v; } catch { own[key] = `[unclonable ${typeof v}]`; }
  }
  return {
    name: err.name || err.constructor?.name || 'Error',
    message: err.message,
    stack: err.stack,
    code: (err as { code?: unknown }).code,
    props: Object.keys(own).length ? serialize(own) : undefined,
  };
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/** Rebuilds a remote error; `localStack` (the caller's stack) is appended below the remote one. */
export function decodeError(e: SerializedError, localStack?: string): Error {
  const Ctor = BUILTIN_ERRORS[e.name] ?? Error;
  const err = new Ctor(e.message);
  if (err.name !== e.name) {
    Object.defineProperty(err, 'name', { value: e.name, enumerable: false, writable: true, configurable: true });
  }
  if (e.props) {
    const own = deserialize(e.props) as Record<string, unknown>;
    if (e.name === 'NonErrorThrown') (err as unknown as Record<string, unknown>).value = own.value;
    else {
      // Defined, not assigned: a property named __proto__ stays a property instead of replacing the prototype.
      for (const [k, v] of Object.entries(own)) Object.defineProperty(err, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  if (e.code !== undefined) (err as { code?: unknown }).code = e.code;
  const remote = e.stack ?? `${e.name}: ${e.message}`;
  err.stack = localStack ? `${remote}\n    --- called remotely from ---\n${stripHead(localStack)}` : remote;
  return err;
}

function stripHead(stack: string): string {
  const nl = stack.indexOf('\n');
  return nl < 0 ? '' : stack.slice(nl + 1);
}

function describe(v: unknown): string {
  try { return typeof v === 'string' ? JSON.stringify(v) : String(v); } catch { return typeof v; }
}
