// Files named by the sha256 of their contents. Contents are checked before they are kept, and written
// under a temporary name then renamed, so a reader never sees half a file and never runs unverified code.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join, sep } from 'node:path';

export class ContentCache {
  private known = new Set<string>();
  private readonly prefix: string;

  constructor(readonly dir: string, private readonly suffix = '') {
    mkdirSync(dir, { recursive: true });
    this.prefix = join(dir, sep);
  }

  pathOf(hash: string): string {
    // Asked once per call: a concatenation, not join()'s normalizing parse.
    return this.prefix + hash + this.suffix;
  }

  has(hash: string): boolean {
    if (this.known.has(hash)) return true;
    if (!/^[0-9a-f]{64}$/.test(hash) || !existsSync(this.pathOf(hash))) return false;
    this.known.add(hash);
    return true;
  }

  /** Stores data under its hash; returns an error message (and stores nothing) when the hash does not match. */
  put(hash: string, data: string | Uint8Array): string | null {
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== hash) return `content hash mismatch: announced ${hash}, received bytes hash to ${actual}`;
    if (this.has(hash)) return null;
    const tmp = `${this.pathOf(hash)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, this.pathOf(hash));
    this.known.add(hash);
    return null;
  }
}
