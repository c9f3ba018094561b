// The sha256 of the application's lockfile (the nearest one at or above a folder): when it is
// unchanged, so are the installed packages a bundle was built from.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

const hashes = new Map<string, { mtimeMs: number; size: number; hash: string }>();

/** `{ file, hash }` of the nearest lockfile, or undefined when the application has none. */
export function lockfileHash(from: string): { file: string; hash: string } | undefined {
  for (let d = from; ; d = dirname(d)) {
    for (const name of LOCKFILES) {
      const file = join(d, name);
      let st;
      try {
        st = statSync(file);
      } catch {
        continue;
      }
      const known = hashes.get(file);
      if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return { file, hash: known.hash };
      const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
      hashes.set(file, { mtimeMs: st.mtimeMs, size: st.size, hash });
      return { file, hash };
    }
    if (dirname(d) === d) return undefined;
  }
}
