// The part of a worker's result that only the manager can check: the value and error properties must decode.
// The message's shape was checked on arrival (protocol/message-checks.ts); this decodes what it carries once,
// so that a result the application takes in can never throw there.
import { deserialize } from 'node:v8';
import type { TaskResult } from '../../protocol/messages.js';
import { given } from '../../protocol/message-checks.js';

/** A result whose value was decoded here; `decoded` is used instead of decoding the bytes again. */
export interface CheckedResult extends TaskResult {
  decoded?: unknown;
}

/** Decodes what the result carries into `r.decoded`; returns what is wrong with it, or null. */
export function checkResultPayload(r: CheckedResult, kind: 'function' | 'command'): string | null {
  if (r.value !== undefined) {
    if (kind === 'command') return `result for command task ${r.id}: a command has no return value, got ${given(r.value)} of one`;
    try {
      r.decoded = deserialize(r.value);
    } catch (err) {
      return `result for task ${r.id}: its ${r.value.length}-byte value does not decode (${(err as Error).message})`;
    }
  }
  const props = r.error?.props;
  if (props !== undefined) {
    let own: unknown;
    try {
      own = deserialize(props);
    } catch (err) {
      return `result for task ${r.id}: the error's ${props.length}-byte properties do not decode (${(err as Error).message})`;
    }
    if (own === null || typeof own !== 'object' || Array.isArray(own)) {
      return `result for task ${r.id}: expected the error's properties to decode to an object, got ${given(own)}`;
    }
  }
  return null;
}
