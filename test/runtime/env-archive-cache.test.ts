// The worker-side cache of unpacked environments: once per node, pinned while used, least recently
// used unpinned ones evicted past the size cap.
import assert from 'node:assert/strict';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { packEnvironment, type PackResult } from '../../analyzer/pack-environment.js';
import { EnvArchiveCache } from '../../runtime/env-archive-cache.js';
import { envApp } from '../analyzer/env-support.js';
import { freshDir, removeDir } from '../analyzer/support.js';

describe('runtime: environment archive cache', () => {
  const dirs: string[] = [];
  const packs: PackResult[] = [];
  const dir = (p: string): string => {
    const d = freshDir(p);
    dirs.push(d);
    return d;
  };

  before(async () => {
    const out = dir('eac-archives');
    for (const [file, name] of [['src/esm-only.js', 'idFrom'], ['src/json-import.js', 'elementName'], ['src/data-files.js', 'wordCount']]) {
      packs.push(await packEnvironment({ file: join(envApp, file!), functionName: name!, out: join(out, `${name}.tar.gz`) }));
    }
  });
  after(() => dirs.forEach(removeDir));

  /** Makes `hash` look used `secondsAgo` seconds ago. */
  const usedAgo = (cache: string, hash: string, secondsAgo: number): void => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(cache, hash, '.trellis-complete'), t, t);
  };

  it('unpacks once, from a path or from bytes, and refuses an archive holding another environment', async () => {
    const cacheDir = dir('eac');
    const cache = new EnvArchiveCache({ dir: cacheDir, capacityMB: 100 });
    const a = await cache.acquire(packs[0]!.out, packs[0]!.hash);
    assert.equal(a.unpacked, true);
    assert.equal(a.dir, join(cacheDir, packs[0]!.hash));
    const b = await cache.acquire(readFileSync(packs[0]!.out));
    assert.equal(b.unpacked, false);
    assert.ok(cache.has(packs[0]!.hash));
    await assert.rejects(cache.acquire(packs[1]!.out, packs[0]!.hash), /expected environment [0-9a-f]{64}, got [0-9a-f]{64}; refusing it/);
    a.release();
    b.release();
  });

  it('evicts the least recently used environments until the total is under the cap', async () => {
    const cacheDir = dir('eac-lru');
    const cache = new EnvArchiveCache({ dir: cacheDir, capacityMB: 100, minIdleSeconds: 0 });
    for (const p of packs) (await cache.acquire(p.out)).release();
    usedAgo(cacheDir, packs[0]!.hash, 100);
    usedAgo(cacheDir, packs[1]!.hash, 300);
    usedAgo(cacheDir, packs[2]!.hash, 200);
    // A cap one byte under the total: one environment must go, the one used longest ago.
    const tight = new EnvArchiveCache({ dir: cacheDir, capacityMB: (cache.sizeBytes() - 1) / (1024 * 1024), minIdleSeconds: 0 });
    assert.deepEqual(await tight.evict(), [packs[1]!.hash]);
    assert.ok(cache.has(packs[0]!.hash) && cache.has(packs[2]!.hash) && !cache.has(packs[1]!.hash));
  });

  it('keeps pinned environments in this process even when they are the oldest', async () => {
    const cacheDir = dir('eac-pins');
    const cache = new EnvArchiveCache({ dir: cacheDir, capacityMB: 100, minIdleSeconds: 0 });
    const held = await cache.acquire(packs[0]!.out);
    for (const p of packs.slice(1)) (await cache.acquire(p.out)).release();
    usedAgo(cacheDir, packs[0]!.hash, 300);
    usedAgo(cacheDir, packs[1]!.hash, 200);
    usedAgo(cacheDir, packs[2]!.hash, 100);
    (cache as unknown as { capacityBytes: number }).capacityBytes = 1; // everything is over the cap (a test-only poke)
    assert.deepEqual(await cache.evict(), [packs[1]!.hash, packs[2]!.hash]);
    assert.ok(cache.has(packs[0]!.hash));
    held.release();
    assert.deepEqual(await cache.evict(), [packs[0]!.hash]);
    assert.equal(cache.sizeBytes(), 0);
  });

  it('does not evict what another process used within minIdleSeconds', async () => {
    const cacheDir = dir('eac-idle');
    const cache = new EnvArchiveCache({ dir: cacheDir, capacityMB: 100, minIdleSeconds: 60 });
    for (const p of packs) (await cache.acquire(p.out)).release();
    usedAgo(cacheDir, packs[0]!.hash, 120);
    (cache as unknown as { capacityBytes: number }).capacityBytes = 1;
    assert.deepEqual(await cache.evict(), [packs[0]!.hash]);
  });

  it('unpacks once when two caches on one node race for the same environment', async () => {
    const cacheDir = dir('eac-race');
    const a = new EnvArchiveCache({ dir: cacheDir, capacityMB: 100 });
    const b = new EnvArchiveCache({ dir: cacheDir, capacityMB: 100 });
    const got = await Promise.all([a.acquire(packs[2]!.out), b.acquire(packs[2]!.out), a.acquire(packs[2]!.out)]);
    assert.equal(got.filter((g) => g.unpacked).length, 1);
    assert.equal(new Set(got.map((g) => g.dir)).size, 1);
  });

  it('refuses a cap that is not a positive number', () => {
    assert.throws(() => new EnvArchiveCache({ dir: dir('eac-bad'), capacityMB: 0 }), /capacityMB expects a number > 0, got 0/);
  });
});
