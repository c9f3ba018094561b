// Writing a file that other processes and threads may read at any moment: under a temporary name, then
// renamed, so a reader finds it whole or not at all; and checking content against the sha256 it is named by.
import { createHash, randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeWhole(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Null when the data hashes to `hash`, else what is wrong. */
export function hashMismatch(hash: string, data: string | Uint8Array): string | null {
  const actual = createHash('sha256').update(data).digest('hex');
  return actual === hash ? null : `content hash mismatch: announced ${hash}, received bytes hash to ${actual}`;
}
