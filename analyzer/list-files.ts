// Every file under a folder (or the file itself), sorted, for copying and listing environments.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files under `path`, recursively; folders named in `skip` are not entered; `dirs` collects the folders read. */
export function listFiles(path: string, skip: string[] = [], dirs?: Set<string>): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    dirs?.add(dir);
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      // A symbolic link counts as what it points to (environments hold copies, never links).
      const isDir = e.isDirectory() || (e.isSymbolicLink() && statSync(p).isDirectory());
      if (isDir) {
        if (!skip.includes(e.name)) walk(p);
      } else {
        out.push(p);
      }
    }
  };
  walk(path);
  return out;
}
