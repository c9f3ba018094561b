// Lays out an environment that carries files: a folder named by its hash holding the bundle and, at
// their paths beside it, copies of its files from the node's content cache (copies, not links: code
// that writes to a file of its environment must not change the cached content other environments and
// commands share). Built under a temporary name and renamed, so a process finds it whole or not at all.
import { randomBytes } from 'node:crypto';
import { chmodSync, constants, copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EnvFile } from '../protocol/environment-files.js';

/** The bundle's name inside an environment's folder. */
export function bundleName(format: 'cjs' | 'esm'): string {
  return format === 'cjs' ? 'bundle.cjs' : 'bundle.mjs';
}

/**
 * Writes `<dir>/<hash>/` from `code` and `files` (content found by `contentOf`); returns the bundle's path.
 * Another process laying out the same environment at once is fine: the first rename wins.
 */
export function layOutEnvironment(dir: string, hash: string, code: string, format: 'cjs' | 'esm', files: readonly EnvFile[],
  contentOf: (hash: string) => string): string {
  const dest = join(dir, hash);
  const tmp = join(dir, `.incoming-${hash}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(tmp, { recursive: true });
    for (const f of files) {
      const to = join(tmp, ...f.path.split('/'));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(contentOf(f.hash), to, constants.COPYFILE_FICLONE); // a reflink where the filesystem has them
      if (f.executable) chmodSync(to, 0o755);
    }
    writeFileSync(join(tmp, bundleName(format)), code); // last: its mtime is the environment's last use
    try {
      renameSync(tmp, dest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err; // else: another process laid it out first
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return join(dest, bundleName(format));
}
