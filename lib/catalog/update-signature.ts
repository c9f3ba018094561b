// Catalog updates signed with the catalog's password: HMAC-SHA256 over the timestamp, a nonce and the body, so
// a forged update (no password) and a replayed one (a nonce seen before, or a stale timestamp) are refused.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-trellis-signature';
export const TIMESTAMP_HEADER = 'x-trellis-timestamp';
export const NONCE_HEADER = 'x-trellis-nonce';
/** Seconds a signed update stays valid around the catalog's clock. */
export const SIGNATURE_WINDOW = 300;

export function signUpdate(password: string, body: string, now = Date.now() / 1000): Record<string, string> {
  const timestamp = String(Math.round(now));
  const nonce = randomBytes(16).toString('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [SIGNATURE_HEADER]: mac(password, timestamp, nonce, body) };
}

function mac(password: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', password).update(`${timestamp}\n${nonce}\n`).update(body).digest('hex');
}

/** Most nonces remembered: past it (over a million signed updates in ten minutes) updates wait for room. */
const MAX_NONCES = 1_000_000;

/** Remembers the nonces of the signature window so each signed update is accepted once. */
export class UpdateVerifier {
  /** nonce → until when it matters, in arrival order (so the oldest come first). */
  private readonly seen = new Map<string, number>();

  constructor(private readonly password: string) {}

  /** null when the update is genuine and new; otherwise why it is refused. */
  check(headers: Record<string, string | string[] | undefined>, body: string, now = Date.now() / 1000): string | null {
    const timestamp = one(headers[TIMESTAMP_HEADER]);
    const nonce = one(headers[NONCE_HEADER]);
    const signature = one(headers[SIGNATURE_HEADER]);
    if (!timestamp || !nonce || !signature) {
      return `this catalog has a password: expected an update signed with it (headers ${TIMESTAMP_HEADER}, ${NONCE_HEADER}, ${SIGNATURE_HEADER}), got ${signature ? 'an incomplete signature' : 'an unsigned update'}`;
    }
    if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{16,64}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) {
      return 'expected a decimal timestamp, a hex nonce of 16 to 64 digits and a hex SHA-256 signature';
    }
    const expected = Buffer.from(mac(this.password, timestamp, nonce, body), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'the signature does not match: wrong password or altered update';
    const skew = Number(timestamp) - now;
    if (Math.abs(skew) > SIGNATURE_WINDOW) return `the update is signed ${Math.round(Math.abs(skew))} s ${skew < 0 ? 'in the past' : 'in the future'} (at most ${SIGNATURE_WINDOW} s allowed): check the clocks`;
    this.prune(now);
    if (this.seen.has(nonce)) return 'this update was already received (a replayed nonce)';
    if (this.seen.size >= MAX_NONCES) return `too many signed updates in the last ${2 * SIGNATURE_WINDOW} s (${MAX_NONCES}); try again later`;
    this.seen.set(nonce, Number(timestamp) + SIGNATURE_WINDOW);
    return null;
  }

  /** Forgets the nonces whose timestamps are now refused anyway; stops at the first still in the window. */
  private prune(now: number): void {
    for (const [nonce, until] of this.seen) {
      if (until >= now - SIGNATURE_WINDOW) break;
      this.seen.delete(nonce);
    }
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
