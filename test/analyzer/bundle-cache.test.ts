// The application-side bundle cache: a second run bundles nothing unchanged, and a changed local
// module or lockfile is bundled again.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCacheStats } from '../../analyzer/bundle-cache.js';
import { bundleFunction } from '../../analyzer/bundle-function.js';
import { extractFunction } from '../../analyzer/extract-function.js';
import { freshDir, removeDir, writeTree } from './support.js';

describe('analyzer: bundle cache', () => {
  const saved = process.env.TRELLIS_CACHE;
  let cache: string;
  let app: string;
  const source = 'function answer() { return base() + 1; }';

  before(() => {
    cache = freshDir('bundle-cache');
    process.env.TRELLIS_CACHE = cache;
    app = writeTree('cached-app', {
      'package.json': '{"type":"module"}',
      'package-lock.json': '{"lockfileVersion":3}',
      'm.js': `import { base } from './util.js';\nexport ${source}\n`,
      'util.js': 'export function base() { return 41; }\n',
    });
  });
  after(() => {
    if (saved === undefined) delete process.env.TRELLIS_CACHE;
    else process.env.TRELLIS_CACHE = saved;
    removeDir(cache);
    removeDir(app);
  });

  const bundle = () => bundleFunction(extractFunction({ file: join(app, 'm.js'), source, name: 'answer' }));

  it('stores a bundle on disk and serves it again without bundling', async () => {
    const before = { ...bundleCacheStats };
    const first = await bundle();
    assert.equal(bundleCacheStats.misses, before.misses + 1);
    assert.equal(readdirSync(join(cache, 'bundles')).length, 1);
    const second = await bundle();
    assert.equal(bundleCacheStats.hits, before.hits + 1);
    assert.deepEqual(second, first);
  });

  it('bundles again when a local module the bundle was built from changed', async () => {
    const old = await bundle();
    writeFileSync(join(app, 'util.js'), 'export function base() { return 99; }\n');
    const misses = bundleCacheStats.misses;
    const fresh = await bundle();
    assert.equal(bundleCacheStats.misses, misses + 1);
    assert.notEqual(fresh.hash, old.hash);
    assert.match(fresh.code, /return 99/);
  });

  it('bundles again when the lockfile changed', async () => {
    await bundle();
    writeFileSync(join(app, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    const misses = bundleCacheStats.misses;
    await bundle();
    assert.equal(bundleCacheStats.misses, misses + 1);
  });

  it('treats a damaged entry as a miss and rebuilds it', async () => {
    const good = await bundle();
    for (const f of readdirSync(join(cache, 'bundles'))) writeFileSync(join(cache, 'bundles', f), '{"format":');
    assert.deepEqual(await bundle(), good);
  });

  it('is off with TRELLIS_CACHE=off', async () => {
    process.env.TRELLIS_CACHE = 'off';
    try {
      const misses = bundleCacheStats.misses;
      const hits = bundleCacheStats.hits;
      await bundle();
      await bundle();
      assert.equal(bundleCacheStats.hits, hits);
      assert.equal(bundleCacheStats.misses, misses);
    } finally {
      process.env.TRELLIS_CACHE = cache;
    }
  });
});
