// The largest message a link carries (the frame limit both sides enforce), and the sender-side checks that
// keep an oversized value from ever reaching the wire: it fails its task as `result-too-large` instead of
// making the receiver drop the whole link.
import { DEFAULT_MAX_DATA_BYTES as DEFAULT_MAX_FRAME_BYTES } from './limits.js';

/** Room left in a frame for everything but the value itself (ids, times, measurements, the error). */
export const FRAME_ROOM_BYTES = 64 * 1024;
/** A frame limit below this would refuse ordinary messages. */
const MIN_FRAME_BYTES = 256 * 1024;

/** The frame limit in bytes: TRELLIS_MAX_FRAME_MB when set (tests lower it), else the protocol's default. */
export function maxFrameBytes(): number {
  const raw = process.env.TRELLIS_MAX_FRAME_MB;
  if (raw === undefined || raw === '') return DEFAULT_MAX_FRAME_BYTES;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) return DEFAULT_MAX_FRAME_BYTES;
  return Math.min(DEFAULT_MAX_FRAME_BYTES, Math.max(MIN_FRAME_BYTES, Math.floor(mb * 1024 * 1024)));
}

/** Bytes a value of this size leaves for the rest of its message, or a description of the overflow. */
export function oversize(what: string, bytes: number): string | null {
  const limit = maxFrameBytes();
  if (bytes + FRAME_ROOM_BYTES <= limit) return null;
  return `${what} is ${mb(bytes)} encoded, over the ${mb(limit)} frame limit of the link (results and arguments must fit ` +
    'in one message; write large data to a file or shared storage and pass its path)';
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}
