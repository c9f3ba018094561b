// Writes a .tar.gz whose bytes depend only on the files' paths, contents and executable bits:
// entries in sorted order (the manifest first), one fixed mtime, no owner or device fields.
import { chmodSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';

const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

/** `files` are paths relative to `dir` with forward slashes; `first` goes first if present. */
export async function writeTarGz(dir: string, files: string[], out: string, first?: string): Promise<void> {
  const ordered = [...files].sort();
  if (first !== undefined && ordered.includes(first)) {
    ordered.splice(ordered.indexOf(first), 1);
    ordered.unshift(first);
  }
  for (const f of ordered) {
    const path = join(dir, f);
    chmodSync(path, statSync(path).mode & 0o111 ? 0o755 : 0o644); // umask and copies vary; the archive must not
  }
  const tmp = `${out}.${process.pid}.tmp`;
  await create({ file: tmp, cwd: dir, gzip: { level: 9 }, portable: true, mtime: FIXED_MTIME, noDirRecurse: true }, ordered);
  renameSync(tmp, out);
}
