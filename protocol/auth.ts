// Password proofs bound to one link. The client (worker or status client) proves first; the manager checks that
// proof and only then proves itself. Each proof is an HMAC-SHA256 keyed by the password over: the protocol
// version, the direction (client→manager or manager→client), the client's role, both sides' random nonces, and
// the link's channel binding (32 bytes exported from the TLS session; empty on plain TCP). A proof taken from one
// link is useless on any other: another link has other nonces, and behind a relay another TLS session.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PROTOCOL_VERSION } from './version.js';

export type Direction = 'client-to-manager' | 'manager-to-client';

export interface Transcript {
  clientRole: string;
  clientNonce: string;
  managerNonce: string;
  /** Keying material exported from the TLS session (RFC 5705), or an empty buffer on plain TCP. */
  binding: Buffer;
}

export const EXPORTER_LABEL = 'EXPORTER-trellis-channel-binding';
export const EXPORTER_BYTES = 32;

export function makeNonce(): string {
  return randomBytes(32).toString('hex');
}

export function prove(password: string, direction: Direction, t: Transcript): string {
  return createHmac('sha256', password)
    .update(`trellis-auth/${PROTOCOL_VERSION}\n${direction}\n${t.clientRole}\n${t.clientNonce}\n${t.managerNonce}\n`)
    .update(t.binding)
    .digest('hex');
}

export function checkProof(password: string, direction: Direction, t: Transcript, proof: string): boolean {
  const expected = Buffer.from(prove(password, direction, t), 'hex');
  const got = Buffer.from(proof, 'hex');
  return got.length === expected.length && timingSafeEqual(expected, got);
}
