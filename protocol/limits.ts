// How large a frame of each kind may be, and which kinds each side accepts before and after the handshake.
// The limit is checked on the frame header, so a peer cannot make the receiver buffer more than the largest
// kind it accepts at that moment: a few KiB from a peer that has not authenticated.
import { FrameLimit } from './frame-codec.js';
import { MESSAGE_KINDS, type AnyMessage, type Role } from './messages.js';

type Type = AnyMessage['type'];
const KiB = 1024;
const MiB = 1024 * KiB;

/** Largest body of each kind. Bulk data (bundles, files, arguments, results) share the large limit. */
export const DEFAULT_MAX_DATA_BYTES = 512 * MiB;
const SMALL: Partial<Record<Type, number>> = {
  // announce may list the tasks a worker held for a journaled manager; status-request may carry JX queries.
  'hello': 1 * KiB, 'auth': 1 * KiB, 'fatal': 20 * KiB, 'ping': 64, 'announce': 16 * MiB, 'cancel': 64, 'session': 16 * MiB,
  'shutdown': 20 * KiB, 'env-request': 256, 'status-request': 160 * KiB, 'status-reply': 64 * MiB,
};

const HANDSHAKE: Type[] = ['hello', 'auth', 'fatal'];
/** What each role may receive once authenticated, by the role of its peer. */
const ACCEPTS: Record<'manager' | 'worker' | 'status', Type[]> = {
  manager: ['fatal', 'ping', 'announce', 'result', 'env-request', 'status-request'],
  worker: ['fatal', 'ping', 'session', 'env', 'file', 'task', 'cancel', 'shutdown'],
  status: ['fatal', 'ping', 'status-reply'],
};
/** A status client may send the manager only these (a worker may send all of ACCEPTS.manager but status-request). */
const FROM_STATUS: Type[] = ['fatal', 'ping', 'status-request'];
const FROM_WORKER: Type[] = ['fatal', 'ping', 'announce', 'result', 'env-request'];

export const TYPE_OF_KIND: (Type | undefined)[] = [];
for (const [type, kind] of Object.entries(MESSAGE_KINDS)) TYPE_OF_KIND[kind] = type as Type;

export function maxBytes(type: Type, maxData: number): number {
  return SMALL[type] ?? maxData;
}

/** The frame limit of one side: `peerRole` null while the handshake runs. */
export function frameLimit(ownRole: Role, peerRole: Role | null, maxData = DEFAULT_MAX_DATA_BYTES): FrameLimit {
  let allowed: Type[];
  if (peerRole === null) allowed = HANDSHAKE;
  else if (ownRole === 'manager') allowed = peerRole === 'status' ? FROM_STATUS : FROM_WORKER;
  else allowed = ACCEPTS[ownRole];
  const max: number[] = [];
  for (const t of allowed) max[MESSAGE_KINDS[t]] = maxBytes(t, maxData);
  const who = peerRole === null ? 'a peer during the handshake' : `a ${peerRole}`;
  return (kind, length) => {
    const limit = max[kind];
    if (limit === undefined) {
      const type = TYPE_OF_KIND[kind];
      return type ? `${who} may not send "${type}" to a ${ownRole}` : `unknown frame kind ${kind}`;
    }
    return length > limit ? `"${TYPE_OF_KIND[kind]}" frame of ${length} bytes exceeds the maximum of ${limit} bytes for that kind` : null;
  };
}
