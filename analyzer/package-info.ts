// Which installed npm package a file belongs to, and that package's name and version as its own
// package.json says. A file is a package's when its path runs through node_modules; the package
// folder is the one right after the last node_modules segment (two for a @scope).
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

export interface PackageInfo {
  name: string;
  version: string;
  dir: string; // absolute
  manifest: Record<string, unknown>;
}

const byDir = new Map<string, PackageInfo | null>();

export function packageOf(file: string): PackageInfo | undefined {
  const dir = packageDirOf(file);
  return dir ? readPackage(dir) : undefined;
}

export function packageDirOf(file: string): string | undefined {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1]!.startsWith('@');
  const end = at + (scoped ? 3 : 2);
  if (end > parts.length) return undefined;
  return parts.slice(0, end).join(sep);
}

/** The package installed in `dir`, or undefined when it has no readable package.json. */
export function readPackage(dir: string): PackageInfo | undefined {
  const known = byDir.get(dir);
  if (known !== undefined) return known ?? undefined;
  let info: PackageInfo | null = null;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const name = typeof manifest.name === 'string' ? manifest.name : dir.split(sep).slice(-2).join('/').replace(/^node_modules\//, '');
    const version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
    info = { name, version, dir, manifest };
  } catch {
    info = null;
  }
  byDir.set(dir, info);
  return info ?? undefined;
}

/** Where Node finds package `name` from folder `from`: the first node_modules/name at or above it. */
export function findInstalledPackage(name: string, from: string): PackageInfo | undefined {
  let d = from;
  for (;;) {
    const candidate = d.endsWith(`${sep}node_modules`) ? join(d, name) : join(d, 'node_modules', name);
    const info = readPackage(candidate);
    if (info) return info;
    const parent = join(d, '..');
    if (parent === d) return undefined;
    d = parent;
  }
}
