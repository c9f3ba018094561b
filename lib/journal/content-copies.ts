// Content-addressed copies of what tasks need to be sent again after a restart: environment bundles and
// command input files, kept in a folder next to the journal and named by their sha256.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class ContentCopies {
  private readonly have = new Set<string>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Keeps a copy (once per hash; written whole under a temporary name, then renamed). */
  keep(kind: 'env' | 'file', hash: string, data: string | Uint8Array): void {
    const key = `${kind}-${hash}`;
    if (this.have.has(key)) return;
    const path = join(this.dir, key);
    if (!existsSync(path)) {
      writeFileSync(`${path}.tmp`, data);
      renameSync(`${path}.tmp`, path);
    }
    this.have.add(key);
  }

  readEnv(hash: string): string {
    return this.read('env', hash).toString('utf8');
  }

  readFile(hash: string): Buffer {
    return this.read('file', hash);
  }

  private read(kind: 'env' | 'file', hash: string): Buffer {
    const path = join(this.dir, `${kind}-${hash}`);
    try {
      const data = readFileSync(path);
      this.have.add(`${kind}-${hash}`);
      return data;
    } catch (err) {
      throw new Error(`journal: the copy of ${kind === 'env' ? 'environment' : 'input file'} ${hash} is missing from ${this.dir}: ` +
        `${(err as Error).message}`);
    }
  }
}
