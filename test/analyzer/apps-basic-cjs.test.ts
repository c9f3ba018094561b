// The CommonJS variant of the fixture: the entry is written as CommonJS, bundled into ESM,
// and still exports the function by name; require() of builtins and __dirname keep working.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleFunction } from '../../analyzer/bundle-function.js';
import { extractFunction } from '../../analyzer/extract-function.js';
import { appsBasic, freshDir, loadBundle, removeDir } from './support.js';

type Fn = (...args: unknown[]) => unknown;
const appFile = join(appsBasic, 'app-cjs.cjs');

describe('analyzer: fixtures/apps-basic (CommonJS)', () => {
  let app: Record<string, Fn>;
  let cacheDir: string;
  let marker: string;
  const savedMarker = process.env.APPS_BASIC_MARKER;

  before(() => {
    app = createRequire(import.meta.url)(appFile) as Record<string, Fn>;
    cacheDir = freshDir('cache-cjs');
    marker = join(cacheDir, 'main-program-ran.marker');
    process.env.APPS_BASIC_MARKER = marker;
  });

  after(() => {
    if (savedMarker === undefined) delete process.env.APPS_BASIC_MARKER;
    else process.env.APPS_BASIC_MARKER = savedMarker;
    removeDir(cacheDir);
  });

  const cases: [name: string, args: unknown[]][] = [
    ['chunkLabels', [['a', 'b', 'c'], 2]],
    ['md5', ['trellis']],
    ['describePath', ['/data/input.txt']],
  ];
  for (const [name, args] of cases) {
    it(`${name} gives the local result`, async () => {
      const fn = app[name]!;
      const ex = extractFunction({ file: appFile, source: fn.toString(), name: fn.name });
      assert.equal(ex.moduleType, 'commonjs');
      const bundle = await bundleFunction(ex);
      const remoteFn = await loadBundle(cacheDir, bundle);
      assert.deepEqual(remoteFn(...args), fn(...args));
      assert.ok(!bundle.code.includes('UNRELATED_CJS_MARKER'));
      assert.ok(!bundle.code.includes('APPS_BASIC_MARKER'));
    });
  }

  it('keeps the use strict directive and only the used requires', () => {
    const fn = app.md5!;
    const code = extractFunction({ file: appFile, source: fn.toString(), name: fn.name }).entryCode;
    assert.match(code, /^'use strict';/);
    assert.match(code, /const \{ createHash \} = require\('node:crypto'\);/);
    assert.ok(!code.includes('lodash.chunk'));
    assert.match(code, /module\.exports\.__trellis_fn = md5;/);
  });

  it('never runs the main program', () => {
    assert.equal(existsSync(marker), false);
    assert.equal((globalThis as { __appsBasicCjsMainRuns?: number }).__appsBasicCjsMainRuns, 1);
  });
});
