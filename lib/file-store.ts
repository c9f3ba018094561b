// Input files of command tasks, read once and named by the sha256 of their contents, so a file used by many
// tasks travels to each worker once.
import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { OptionError } from './options.js';

interface Entry { hash: string; data: Buffer; mtimeMs: number; size: number }

export class FileStore {
  private byPath = new Map<string, Entry>();
  private byHash = new Map<string, Buffer>();

  /** Reads (or reuses) a local input file; throws naming the file when it cannot be read. */
  add(localPath: string): string {
    let st;
    try {
      st = statSync(localPath);
    } catch (err) {
      throw new OptionError(`CommandTask input "${localPath}" cannot be read: ${(err as Error).message}`);
    }
    if (!st.isFile()) throw new OptionError(`CommandTask input "${localPath}" expects a regular file, got a ${st.isDirectory() ? 'directory' : 'special file'}`);
    const known = this.byPath.get(localPath);
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known.hash;
    const data = readFileSync(localPath);
    const hash = createHash('sha256').update(data).digest('hex');
    this.byPath.set(localPath, { hash, data, mtimeMs: st.mtimeMs, size: st.size });
    this.byHash.set(hash, data);
    return hash;
  }

  /** A file's content known by its hash (read back from a journal's copies). */
  put(hash: string, data: Buffer): void {
    this.byHash.set(hash, data);
  }

  get(hash: string): Buffer | undefined {
    return this.byHash.get(hash);
  }
}
