// The application-side cache of function environments, on disk, by content: the key is the entry
// code, the `include` globs and the lockfile's hash; an entry stays valid while every local module
// the bundle was built from has the same sha256 (and, without a lockfile, every package file the same
// size and mtime), every file shipped beside the bundle the same size and mtime, every folder whose
// listing chose data files the same mtime, and the `include` globs match the same files. So re-running
// an application bundles nothing that did not change. Any cache failure is a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as esbuildVersion } from 'esbuild';
import { environmentHash } from '../protocol/environment-files.js';
import type { FunctionBundle } from './bundle-function.js';
import { applicationCacheDir } from './cache-dir.js';
import type { ExtractedFunction } from './extract-function.js';
import { includedFiles } from './include-files.js';
import { lockfileHash } from './lockfile-hash.js';
import { projectRoot } from './project-root.js';

const FORMAT = 'trellis-bundle-cache/2';

// The code that builds environments is part of the key: a changed option, banner or plugin rebuilds.
let builderHash: string | undefined;

function builderFingerprint(): string {
  if (builderHash === undefined) {
    const h = createHash('sha256');
    const dir = fileURLToPath(new URL('.', import.meta.url));
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) h.update(f).update(readFileSync(join(dir, f)));
    builderHash = h.digest('hex');
  }
  return builderHash;
}

interface Entry {
  format: string;
  bundle: FunctionBundle;
  local: { file: string; sha256: string }[];
  packages: { file: string; size: number; mtimeMs: number }[];
  dirs: { dir: string; mtimeMs: number }[];
  included: string[];
}

/** Counters for tests and benchmarks. */
export const bundleCacheStats = { hits: 0, misses: 0 };

export function readCachedBundle(ex: ExtractedFunction, include: string[]): FunctionBundle | undefined {
  const path = entryPath(ex, include);
  if (!path) return undefined;
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as Entry;
    const b = entry.bundle;
    if (entry.format !== FORMAT || environmentHash(b.code, b.files) !== b.hash) throw new Error('stale');
    for (const f of entry.local) if (sha256(readFileSync(f.file)) !== f.sha256) throw new Error('changed');
    for (const f of [...entry.packages, ...b.files.map((s) => ({ file: s.source, size: s.size, mtimeMs: s.mtimeMs }))]) {
      const st = statSync(f.file);
      if (st.size !== f.size || st.mtimeMs !== f.mtimeMs) throw new Error('changed');
    }
    for (const d of entry.dirs) if (statSync(d.dir).mtimeMs !== d.mtimeMs) throw new Error('changed');
    if (include.length > 0 && includedFiles(include, projectRoot(ex.file)).files.join('\n') !== entry.included.join('\n')) throw new Error('changed');
    bundleCacheStats.hits++;
    return b;
  } catch {
    bundleCacheStats.misses++;
    return undefined;
  }
}

/** Stores `bundle`, built from the absolute paths `inputs`, its data chosen by listing `dirs`. */
export function writeCachedBundle(ex: ExtractedFunction, include: string[], bundle: FunctionBundle, inputs: string[], dirs: string[]): void {
  const path = entryPath(ex, include);
  if (!path) return;
  const locked = lockfileHash(dirname(ex.file)) !== undefined;
  const entry: Entry = { format: FORMAT, bundle, local: [], packages: [], dirs: [], included: [] };
  try {
    for (const file of inputs) {
      if (!isPackageFile(file)) entry.local.push({ file, sha256: sha256(readFileSync(file)) });
      else if (!locked) {
        const st = statSync(file);
        entry.packages.push({ file, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    for (const dir of dirs) entry.dirs.push({ dir, mtimeMs: statSync(dir).mtimeMs });
    if (include.length > 0) entry.included = includedFiles(include, projectRoot(ex.file)).files;
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, path); // atomic: a concurrent reader sees the old entry or the new one
  } catch {
    // a cache that cannot be written only costs the next run a rebuild
  }
}

function entryPath(ex: ExtractedFunction, include: string[]): string | undefined {
  const dir = applicationCacheDir(dirname(ex.file));
  if (!dir) return undefined;
  const lock = lockfileHash(dirname(ex.file));
  const key = sha256(JSON.stringify([FORMAT, builderFingerprint(), esbuildVersion, ex.file, ex.moduleType, ex.exportName, ex.entryCode, include, lock?.hash ?? '']));
  return join(dir, 'bundles', `${key}.json`);
}

function isPackageFile(file: string): boolean {
  return /[\\/]node_modules[\\/]/.test(file);
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
