// The application-side cache of function bundles, on disk, by content: the key is the entry code
// and the lockfile's hash; an entry stays valid while every local module the bundle was built
// from has the same sha256 (and, without a lockfile, every package file the same size and mtime).
// So re-running an application bundles nothing that did not change. Any cache failure is a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { applicationCacheDir } from './cache-dir.js';
import type { ExtractedFunction } from './extract-function.js';
import { lockfileHash } from './lockfile-hash.js';

const FORMAT = 'trellis-bundle-cache/1';

// The code that builds bundles is part of the key: a changed option, banner or plugin rebuilds.
const BUILDER_FILES = ['bundle-function.js', 'bundle-format.js', 'bundle-entry.js', 'require-banner.js', 'node-resolution.js', 'bundle-cache.js'];
let builderHash: string | undefined;

function builderFingerprint(): string {
  if (builderHash === undefined) {
    const h = createHash('sha256');
    for (const f of BUILDER_FILES) h.update(readFileSync(new URL(`./${f}`, import.meta.url)));
    builderHash = h.digest('hex');
  }
  return builderHash;
}

export interface CachedBundle {
  hash: string;
  code: string;
  exportName: string;
}

interface Entry {
  format: string;
  bundle: CachedBundle;
  local: { file: string; sha256: string }[];
  packages: { file: string; size: number; mtimeMs: number }[];
}

/** Counters for tests and benchmarks. */
export const bundleCacheStats = { hits: 0, misses: 0 };

export function readCachedBundle(ex: ExtractedFunction): CachedBundle | undefined {
  const path = entryPath(ex);
  if (!path) return undefined;
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as Entry;
    if (entry.format !== FORMAT || sha256(entry.bundle.code) !== entry.bundle.hash) throw new Error('stale');
    for (const f of entry.local) if (sha256(readFileSync(f.file)) !== f.sha256) throw new Error('changed');
    for (const f of entry.packages) {
      const st = statSync(f.file);
      if (st.size !== f.size || st.mtimeMs !== f.mtimeMs) throw new Error('changed');
    }
    bundleCacheStats.hits++;
    return entry.bundle;
  } catch {
    bundleCacheStats.misses++;
    return undefined;
  }
}

/** Stores `bundle`, built from the absolute paths `inputs`. */
export function writeCachedBundle(ex: ExtractedFunction, bundle: CachedBundle, inputs: string[]): void {
  const path = entryPath(ex);
  if (!path) return;
  const locked = lockfileHash(dirname(ex.file)) !== undefined;
  const entry: Entry = { format: FORMAT, bundle, local: [], packages: [] };
  try {
    for (const file of inputs) {
      if (!isPackageFile(file)) entry.local.push({ file, sha256: sha256(readFileSync(file)) });
      else if (!locked) {
        const st = statSync(file);
        entry.packages.push({ file, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, path); // atomic: a concurrent reader sees the old entry or the new one
  } catch {
    // a cache that cannot be written only costs the next run a rebuild
  }
}

function entryPath(ex: ExtractedFunction): string | undefined {
  const dir = applicationCacheDir(dirname(ex.file));
  if (!dir) return undefined;
  const lock = lockfileHash(dirname(ex.file));
  const key = sha256(JSON.stringify([FORMAT, builderFingerprint(), esbuildVersion, ex.file, ex.moduleType, ex.exportName, ex.entryCode, lock?.hash ?? '']));
  return join(dir, 'bundles', `${key}.json`);
}

function isPackageFile(file: string): boolean {
  return /[\\/]node_modules[\\/]/.test(file);
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
