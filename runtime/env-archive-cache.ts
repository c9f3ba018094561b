// A worker node's cache of unpacked environment archives, by environment hash: each is unpacked
// once per node (verified, under the unpacker's lock), pinned while calls use it, and the least
// recently used unpinned ones are removed once the total passes the size cap. "Recently used" is
// the mtime of each environment's completion marker, so it is shared by the processes of a node;
// pins are per process, and an environment used by any process in the last `minIdleSeconds` is
// never evicted (another process may be running it).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { AnalyzerError } from '../analyzer/errors.js';
import type { EnvironmentManifest } from '../analyzer/environment-manifest.js';
import { listFiles } from '../analyzer/list-files.js';
import { unpackEnvironment } from '../analyzer/unpack-environment.js';
import { lruVictims } from './lru-victims.js';

export interface EnvArchiveCacheOptions {
  dir: string;
  /** Size cap in MB over all unpacked environments; past it, unpinned ones are evicted, oldest use first. */
  capacityMB: number;
  /** Environments used (by any process) more recently than this are kept even past the cap. Default 60. */
  minIdleSeconds?: number;
}

export interface CachedEnvironment {
  hash: string;
  dir: string;
  manifest: EnvironmentManifest;
  /** True when this call unpacked it (false: it was already on the node). */
  unpacked: boolean;
  /** Unpins it; after the last release it may be evicted. */
  release(): void;
}

const MARKER = '.trellis-complete'; // written by unpackEnvironment once an environment is whole
const HASH = /^[0-9a-f]{64}$/;

export class EnvArchiveCache {
  private readonly pins = new Map<string, number>();
  private readonly sizes = new Map<string, number>();
  private readonly capacityBytes: number;
  private readonly minIdleMs: number;

  constructor(private readonly options: EnvArchiveCacheOptions) {
    if (!(options.capacityMB > 0)) throw new Error(`EnvArchiveCache: capacityMB expects a number > 0, got ${String(options.capacityMB)}`);
    this.capacityBytes = options.capacityMB * 1024 * 1024;
    this.minIdleMs = (options.minIdleSeconds ?? 60) * 1000;
    mkdirSync(options.dir, { recursive: true });
  }

  /**
   * Unpacks the archive (a path, or its bytes) unless the node has it, pins it, and evicts what the cap
   * requires. With `expectedHash`, an archive holding another environment is refused.
   */
  async acquire(archive: string | Uint8Array, expectedHash?: string): Promise<CachedEnvironment> {
    let path = typeof archive === 'string' ? archive : undefined;
    let incoming: string | undefined;
    if (path === undefined) {
      incoming = join(this.options.dir, `.incoming-${process.pid}-${randomBytes(4).toString('hex')}.tar.gz`);
      writeFileSync(incoming, archive as Uint8Array);
      path = incoming;
    }
    let u;
    try {
      u = await unpackEnvironment(path, { cacheDir: this.options.dir });
    } finally {
      if (incoming) rmSync(incoming, { force: true });
    }
    const hash = u.manifest.hash;
    if (expectedHash !== undefined && hash !== expectedHash) {
      throw new AnalyzerError('TRELLIS_BAD_ARCHIVE', `environment archive: expected environment ${expectedHash}, got ${hash}; refusing it`);
    }
    this.pins.set(hash, (this.pins.get(hash) ?? 0) + 1);
    this.touch(hash);
    let released = false;
    const entry: CachedEnvironment = {
      hash,
      dir: u.dir,
      manifest: u.manifest,
      unpacked: u.unpacked,
      release: () => {
        if (released) return;
        released = true;
        const n = (this.pins.get(hash) ?? 1) - 1;
        if (n > 0) this.pins.set(hash, n);
        else this.pins.delete(hash);
        this.touch(hash);
      },
    };
    await this.evict();
    return entry;
  }

  has(hash: string): boolean {
    return HASH.test(hash) && existsSync(join(this.options.dir, hash, MARKER));
  }

  /** Bytes of all unpacked environments. */
  sizeBytes(): number {
    return this.entries().reduce((sum, e) => sum + e.bytes, 0);
  }

  /** Removes least recently used, unpinned, idle environments until under the cap; returns their hashes. */
  async evict(): Promise<string[]> {
    const victims = lruVictims(this.entries(), this.capacityBytes, this.minIdleMs, (hash) => this.pins.has(hash));
    for (const e of victims) {
      const dest = join(this.options.dir, e.hash);
      // The unpacker's lock: no other process is unpacking this environment while it goes.
      const release = await lock(dest, { lockfilePath: `${dest}.lock`, realpath: false, retries: { retries: 50, minTimeout: 20, maxTimeout: 100 } });
      try {
        const gone = `${dest}.evicting-${process.pid}`;
        renameSync(dest, gone); // one step: the environment is either whole or not there
        rmSync(gone, { recursive: true, force: true });
      } finally {
        await release();
      }
      this.sizes.delete(e.hash);
    }
    return victims.map((e) => e.hash);
  }

  private entries(): { hash: string; bytes: number; usedMs: number }[] {
    const out: { hash: string; bytes: number; usedMs: number }[] = [];
    for (const name of readdirSync(this.options.dir)) {
      if (!HASH.test(name)) continue;
      let usedMs: number;
      try {
        usedMs = statSync(join(this.options.dir, name, MARKER)).mtimeMs;
      } catch {
        continue; // not whole: an unpack in progress elsewhere
      }
      out.push({ hash: name, bytes: this.size(name), usedMs });
    }
    return out;
  }

  private size(hash: string): number {
    let bytes = this.sizes.get(hash);
    if (bytes === undefined) {
      bytes = 0;
      for (const f of listFiles(join(this.options.dir, hash))) bytes += statSync(f).size;
      this.sizes.set(hash, bytes);
    }
    return bytes;
  }

  private touch(hash: string): void {
    const now = new Date();
    try {
      utimesSync(join(this.options.dir, hash, MARKER), now, now);
    } catch {
      // evicted by another process meanwhile: the next acquire unpacks it again
    }
  }
}
