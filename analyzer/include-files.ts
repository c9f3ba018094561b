// `remote(fn, { include: [...] })` and a spec's `files`: globs, relative to the project root, of files
// to ship whatever the analysis found (what no analysis can see: a path read from a config file, a
// name typed by a user). A glob that matches nothing is a warning, not an error.
import { globSync } from 'tinyglobby';

export function includedFiles(patterns: readonly string[], root: string): { files: string[]; warnings: string[] } {
  const files = new Set<string>();
  const warnings: string[] = [];
  for (const p of patterns) {
    const matched = globSync(p, { cwd: root, absolute: true, dot: true, onlyFiles: true, followSymbolicLinks: true, ignore: ['**/node_modules/**'] });
    if (matched.length === 0) warnings.push(`include '${p}' matches no file under ${root}`);
    for (const f of matched) files.add(f);
  }
  return { files: [...files].sort(), warnings };
}
