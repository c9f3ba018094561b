// Packages with native addons cannot be bundled: their .node files are loaded by path at run time
// (often found by node-gyp-build or bindings through a computed require). Such a package is left
// out of the bundle and copied whole, with the packages it depends on.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findInstalledPackage, type PackageInfo } from './package-info.js';

// Loaders of prebuilt or compiled addons: depending on one means having an addon.
const ADDON_LOADERS = ['node-gyp-build', 'bindings', 'prebuild-install', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'cmake-js'];
const SCAN_LIMIT = 20_000; // directory entries looked at per package before giving up on finding a .node

const nativeByDir = new Map<string, boolean>();

export function isNativePackage(pkg: PackageInfo): boolean {
  const known = nativeByDir.get(pkg.dir);
  if (known !== undefined) return known;
  const m = pkg.manifest;
  const deps = { ...(m.dependencies as object | undefined), ...(m.optionalDependencies as object | undefined) };
  const native =
    m.gypfile === true ||
    existsSync(join(pkg.dir, 'binding.gyp')) ||
    ADDON_LOADERS.some((l) => l in deps) ||
    hasNodeFile(pkg.dir);
  nativeByDir.set(pkg.dir, native);
  return native;
}

function hasNodeFile(dir: string): boolean {
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0 && seen < SCAN_LIMIT) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      if (e.isFile() && e.name.endsWith('.node')) return true;
      if (e.isDirectory() && e.name !== 'node_modules') stack.push(join(d, e.name));
    }
  }
  return false;
}

/** The package and, transitively, the installed packages it depends on (each once). */
export function dependencyClosure(pkg: PackageInfo): PackageInfo[] {
  const out = new Map<string, PackageInfo>([[pkg.dir, pkg]]);
  const queue = [pkg];
  while (queue.length > 0) {
    const p = queue.shift()!;
    const m = p.manifest;
    const required = Object.keys((m.dependencies as object | undefined) ?? {});
    const optional = Object.keys((m.optionalDependencies as object | undefined) ?? {});
    for (const name of [...required, ...optional]) {
      const dep = findInstalledPackage(name, p.dir);
      if (!dep) continue; // an optional dependency not installed here (another platform's)
      if (out.has(dep.dir)) continue;
      out.set(dep.dir, dep);
      queue.push(dep);
    }
  }
  return [...out.values()];
}
