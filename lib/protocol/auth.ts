// Mutual challenge-response: each side proves it knows the password by an HMAC over the other side's
// random nonce and its own role, so the password never crosses the wire and a proof cannot be replayed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function makeNonce(): string {
  return randomBytes(32).toString('hex');
}

export function proveKnowledge(password: string, peerNonce: string, ownRole: string): string {
  return createHmac('sha256', password).update(`${peerNonce}:${ownRole}`).digest('hex');
}

export function checkProof(password: string, ownNonce: string, peerRole: string, proof: unknown): boolean {
  if (typeof proof !== 'string' || !/^[0-9a-f]{64}$/.test(proof)) return false;
  const expected = Buffer.from(proveKnowledge(password, ownNonce, peerRole), 'hex');
  return timingSafeEqual(expected, Buffer.from(proof, 'hex'));
}
