// Files named by the sha256 of their contents. Contents are checked before they are kept, and written
// under a temporary name then renamed, so a reader never sees half a file and never runs unverified code.
import { existsSync, mkdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { hashMismatch, writeWhole } from './write-whole.js';

export class ContentCache {
  private known = new Set<string>();
  private readonly prefix: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.prefix = join(dir, sep);
  }

  pathOf(hash: string): string {
    // A concatenation, not join()'s normalizing parse: asked for every input of every command.
    return this.prefix + hash;
  }

  has(hash: string): boolean {
    if (this.known.has(hash)) return true;
    if (!/^[0-9a-f]{64}$/.test(hash) || !existsSync(this.pathOf(hash))) return false;
    this.known.add(hash);
    return true;
  }

  /** Stores data under its hash; returns an error message (and stores nothing) when the hash does not match. */
  put(hash: string, data: string | Uint8Array): string | null {
    const problem = hashMismatch(hash, data);
    if (problem) return problem;
    if (this.has(hash)) return null;
    writeWhole(this.pathOf(hash), data);
    this.known.add(hash);
    return null;
  }
}
