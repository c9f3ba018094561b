// A worker node's environments: function bundles named by the sha256 of their code, each with the
// V8 compile cache its threads write next to it; an environment that carries files is a folder named
// by its hash, holding the bundle and its files (runtime/environment-dir.ts). Contents are checked before they are kept and
// written under a temporary name then renamed, so no process ever runs unverified or half-written
// code. With a size cap, the least recently used environments no task here is waiting for are
// removed once the total passes it. "Recently used" is the bundle's mtime, touched as tasks start,
// so the processes sharing a cache directory on a node agree; one used in the last `minIdleSeconds`
// by any of them is kept (another process may be about to load it).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFormat } from '../protocol/bundle-format.js';
import { environmentHash, type EnvFile } from '../protocol/environment-files.js';
import { bundleName, layOutEnvironment } from './environment-dir.js';
import { lruVictims } from './lru-victims.js';
import { writeWhole } from './write-whole.js';

export interface BundleStoreOptions {
  dir: string;
  /** Cap in MB over bundles and their compile caches; null: no cap. */
  capacityMB?: number | null;
  /** Environments used (by any process) more recently than this stay past the cap. Default 60. */
  minIdleSeconds?: number;
}

const HASH = /^[0-9a-f]{64}$/;
const TOUCH_EVERY_MS = 10_000;
/** How long a bundle seen on disk is taken to be there still (another process may evict it). */
const CHECK_EVERY_MS = 1_000;

export class BundleStore {
  readonly dir: string;
  private readonly capacityBytes: number | null;
  private readonly minIdleMs: number;
  /** Path of each bundle known to be here, and when this process last marked it used. */
  private readonly known = new Map<string, { path: string; touched: number; checked: number }>();
  /** Bytes of each environment folder, counted once (its compile caches are small beside its files). */
  private readonly folderBytes = new Map<string, number>();

  constructor(options: BundleStoreOptions) {
    const cap = options.capacityMB ?? null;
    if (cap !== null && !(cap > 0)) throw new Error(`cache size: expected a number of MB > 0, got ${String(cap)}`);
    this.dir = options.dir;
    this.capacityBytes = cap === null ? null : cap * 2 ** 20;
    this.minIdleMs = (options.minIdleSeconds ?? 60) * 1000;
    mkdirSync(this.dir, { recursive: true });
  }

  /** The bundle's file, or null when it is not on this node (never sent, refused, or evicted). */
  pathOf(hash: string): string | null {
    const k = this.known.get(hash);
    const now = Date.now();
    if (k && (now - k.checked < CHECK_EVERY_MS || existsSync(k.path))) {
      k.checked = now;
      return k.path;
    }
    this.known.delete(hash);
    if (!HASH.test(hash)) return null;
    for (const suffix of ['.cjs', '.mjs', '/bundle.cjs', '/bundle.mjs']) {
      const path = join(this.dir, hash + suffix);
      if (existsSync(path)) {
        this.known.set(hash, { path, touched: 0, checked: now });
        return path;
      }
    }
    return null;
  }

  /** Drops what this process knows of it: the next pathOf looks on disk. */
  forget(hash: string): void {
    this.known.delete(hash);
  }

  /** Marks it used now (at most every few seconds: one utimes per environment, not per call). */
  use(hash: string): void {
    const k = this.known.get(hash);
    const now = Date.now();
    if (!k || now - k.touched < TOUCH_EVERY_MS) return;
    k.touched = now;
    try {
      utimesSync(k.path, now / 1000, now / 1000);
    } catch {
      this.known.delete(hash); // evicted by another process: the next task asks for it again
    }
  }

  /**
   * Stores an environment under its hash and evicts what the cap requires, keeping the environments `inUse`
   * names (asked only when there is a cap); returns an error message (and stores nothing) when the hash does
   * not match or a file's content is not on the node. `contentOf` gives the path of a file's content, or null.
   */
  put(hash: string, code: string, inUse: () => Set<string>, files: readonly EnvFile[] = [], contentOf: (hash: string) => string | null = () => null): string | null {
    const actual = environmentHash(code, files);
    if (actual !== hash) return `content hash mismatch: announced ${hash}, received environment hashes to ${actual}`;
    const missing = files.filter((f) => contentOf(f.hash) === null);
    if (missing.length > 0) return `${missing.length} of its files did not arrive (${missing.slice(0, 3).map((f) => f.path).join(', ')}${missing.length > 3 ? ', ...' : ''})`;
    if (this.pathOf(hash) === null) {
      const format = bundleFormat(code);
      let path: string;
      if (files.length === 0) writeWhole((path = join(this.dir, hash + (format === 'cjs' ? '.cjs' : '.mjs'))), code);
      else path = layOutEnvironment(this.dir, hash, code, format, files, (h) => contentOf(h)!);
      const now = Date.now();
      this.known.set(hash, { path, touched: now, checked: now });
    }
    if (this.capacityBytes !== null) this.evict(inUse().add(hash));
    return null;
  }

  /** Removes least recently used environments not in `keep` until under the cap; returns their hashes. */
  evict(keep: ReadonlySet<string>): string[] {
    if (this.capacityBytes === null) return [];
    const victims = lruVictims(this.entries(), this.capacityBytes, this.minIdleMs, (hash) => keep.has(hash));
    for (const e of victims) {
      // The bundle first: a process that still finds it finds it whole; caches without it are junk.
      for (const f of e.files) {
        const p = join(this.dir, f);
        if (f !== e.hash) rmSync(p, { force: true });
        else {
          // A folder goes in one step (renamed away), so no process finds half of it.
          const gone = join(this.dir, `.evicting-${f}-${process.pid}`);
          try {
            renameSync(p, gone);
          } catch {
            continue; // removed meanwhile by another process
          }
          rmSync(gone, { recursive: true, force: true });
        }
      }
      this.known.delete(e.hash);
      this.folderBytes.delete(e.hash);
    }
    return victims.map((e) => e.hash);
  }

  private entries(): { hash: string; files: string[]; bytes: number; usedMs: number }[] {
    const byHash = new Map<string, { hash: string; files: string[]; bytes: number; usedMs: number }>();
    for (const name of readdirSync(this.dir).sort()) {
      const hash = name.slice(0, 64);
      if (!HASH.test(hash) || name.endsWith('.tmp')) continue;
      let st;
      try {
        st = statSync(join(this.dir, name));
      } catch {
        continue; // removed meanwhile by another process
      }
      let e = byHash.get(hash);
      if (!e) byHash.set(hash, (e = { hash, files: [], bytes: 0, usedMs: 0 }));
      if (st.isDirectory()) {
        if (name !== hash) continue;
        let bundle;
        try {
          bundle = statSync(join(this.dir, name, bundleName(existsSync(join(this.dir, name, 'bundle.cjs')) ? 'cjs' : 'esm')));
        } catch {
          continue; // being removed by another process
        }
        e.files.unshift(name);
        e.usedMs = bundle.mtimeMs;
        e.bytes += this.sizeOf(hash);
        continue;
      }
      const isBundle = name.length === 68; // <hash>.cjs or <hash>.mjs
      if (isBundle) {
        e.files.unshift(name);
        e.usedMs = st.mtimeMs;
      } else e.files.push(name);
      e.bytes += st.size;
    }
    return [...byHash.values()];
  }

  private sizeOf(hash: string): number {
    let bytes = this.folderBytes.get(hash);
    if (bytes === undefined) {
      bytes = 0;
      const top = join(this.dir, hash);
      try {
        if (!statSync(top).isDirectory()) bytes = statSync(top).size;
        else for (const e of readdirSync(top, { recursive: true, withFileTypes: true })) {
          if (!e.isFile()) continue;
          try { bytes += statSync(join(e.parentPath, e.name)).size; } catch { /* removed meanwhile */ }
        }
      } catch { /* the folder went meanwhile */ }
      this.folderBytes.set(hash, bytes);
    }
    return bytes;
  }
}
