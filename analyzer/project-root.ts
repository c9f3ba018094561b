// The project root of a module: the folder paths in a spec are relative to, and the folder the
// application is taken to run from. It is the nearest folder above the module holding a
// package.json with installed packages or a lockfile beside it; else the nearest package.json's.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MARKERS = ['node_modules', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

export function projectRoot(file: string): string {
  let firstManifest: string | undefined;
  for (let d = dirname(file); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) {
      if (MARKERS.some((m) => existsSync(join(d, m)))) return d;
      firstManifest ??= d;
    }
    if (dirname(d) === d) return firstManifest ?? dirname(file);
  }
}
