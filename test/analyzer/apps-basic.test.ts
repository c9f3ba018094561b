// Each function of the fixture application, extracted, bundled, written to an empty cache
// directory and imported there, returns what it returns locally; the main program never runs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunction, type FunctionBundle } from '../../analyzer/bundle-function.js';
import { extractFunction, type ExtractedFunction } from '../../analyzer/extract-function.js';
import { appsBasic, freshDir, loadBundle, nodeModulesAbove, removeDir } from './support.js';

type Fn = (...args: unknown[]) => unknown;
const appFile = join(appsBasic, 'app.js');

describe('analyzer: fixtures/apps-basic (ES module)', () => {
  let app: Record<string, Fn>;
  let cacheDir: string;
  let marker: string;
  let mainRunsBefore: number;
  const savedMarker = process.env.APPS_BASIC_MARKER;

  before(async () => {
    app = (await import(appFile)) as Record<string, Fn>; // runs the main program here, once
    mainRunsBefore = (globalThis as { __appsBasicMainRuns?: number }).__appsBasicMainRuns ?? 0;
    cacheDir = freshDir('cache');
    marker = join(cacheDir, 'main-program-ran.marker');
    process.env.APPS_BASIC_MARKER = marker; // the main program would write it if it ran
  });

  after(() => {
    if (savedMarker === undefined) delete process.env.APPS_BASIC_MARKER;
    else process.env.APPS_BASIC_MARKER = savedMarker;
    removeDir(cacheDir);
  });

  async function ship(name: string): Promise<{ ex: ExtractedFunction; bundle: FunctionBundle; remoteFn: Fn }> {
    const fn = app[name]!;
    const ex = extractFunction({ file: appFile, source: fn.toString(), name: fn.name });
    const bundle = await bundleFunction(ex);
    return { ex, bundle, remoteFn: await loadBundle(cacheDir, bundle) };
  }

  it('loads bundles from a directory with no node_modules above it', () => {
    assert.equal(nodeModulesAbove(cacheDir), undefined);
  });

  const cases: [name: string, args: unknown[]][] = [
    ['chunkSizes', [[1, 2, 3, 4, 5], 2]],
    ['camel', ['hello trellis-world']],
    ['scaled', [4]],
    ['digest', ['trellis']],
    ['fib', [15]],
    ['square', [12]],
    ['doubleA', [21]],
    ['factorial', [10]],
    ['slowScaled', [3]],
  ];
  for (const [name, args] of cases) {
    it(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) gives the local result`, async () => {
      const { remoteFn } = await ship(name);
      assert.deepEqual(await remoteFn(...args), await app[name]!(...args));
    });
  }

  it('never runs the main program when a bundle is imported', async () => {
    await ship('scaled');
    assert.equal(existsSync(marker), false, 'the main program wrote its marker file');
    assert.equal((globalThis as { __appsBasicMainRuns?: number }).__appsBasicMainRuns, mainRunsBefore);
  });

  it('bundles only what the function uses', async () => {
    const chunkSizes = (await ship('chunkSizes')).bundle.code;
    const camel = (await ship('camel')).bundle.code;
    const scaled = (await ship('scaled')).bundle.code;
    for (const code of [chunkSizes, camel, scaled]) {
      for (const unrelated of ['UNRELATED_BODY_MARKER', 'UNUSED_CONSTANT_MARKER', 'SKIPPED_DECLARATOR_MARKER', 'APPS_BASIC_MARKER', 'function fib']) {
        assert.ok(!code.includes(unrelated), `bundle contains ${unrelated}`);
      }
    }
    assert.ok(chunkSizes.includes('function baseSlice'), 'lodash.chunk is bundled');
    assert.ok(!chunkSizes.includes('preserveCamelCase'), 'camelcase is bundled into chunkSizes');
    assert.ok(camel.includes('preserveCamelCase'), 'camelcase is bundled');
    assert.ok(!camel.includes('function baseSlice'), 'lodash.chunk is bundled into camel');
    assert.ok(!scaled.includes('baseSlice') && !scaled.includes('preserveCamelCase'));
  });

  it('keeps only the used import specifiers and declarators, in the original order', async () => {
    const { ex } = await ship('scaled');
    const code = ex.entryCode;
    assert.ok(!code.includes('import'), 'no import is needed');
    assert.ok(!code.includes('SKIPPED_DECLARATOR'), 'the unused declarator of the same statement is dropped');
    const order = ['const SCALE', 'function addOffset', 'const OFFSET', 'function scaled'].map((s) => code.indexOf(s));
    assert.ok(order.every((i) => i >= 0), code);
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.match(code, /export \{ scaled as __trellis_fn \};/);
    const digest = (await ship('digest')).ex.entryCode;
    assert.match(digest, /import \{ createHash \} from 'node:crypto';/);
    assert.ok(!digest.includes('writeFileSync'));
  });

  it('keeps each copied piece at its original line', async () => {
    const { ex } = await ship('scaled');
    const lines = ex.entryCode.split('\n');
    const original = readFileSync(appFile, 'utf8').split('\n');
    for (const text of ['const SCALE = 10;', 'function addOffset(x) {', 'export function scaled(x) {']) {
      const at = original.findIndex((l) => l === text);
      assert.ok(lines[at]!.includes(text.replace('export ', '')), `line ${at + 1}: ${lines[at]}`);
    }
  });

  it('tells identical inline functions apart by the remote() call line', () => {
    const original = readFileSync(appFile, 'utf8').split('\n');
    const lineOf = (text: string): number => original.findIndex((l) => l.includes(text)) + 1;
    const callA = lineOf('doubleA = remote(');
    const callB = lineOf('doubleB = remote(');
    const chosenLine = (line: number): number =>
      extractFunction({ file: appFile, source: app.doubleA!.toString(), name: '', line })
        .entryCode.split('\n')
        .findIndex((l) => l.includes('__trellis_fn = (x) => x * 2')) + 1;
    assert.ok(callA > 0 && callB === callA + 1);
    assert.equal(chosenLine(callA), callA);
    assert.equal(chosenLine(callB), callB);
  });

  it('gives the same bytes and hash for the same function', async () => {
    const one = await ship('chunkSizes');
    const two = await ship('chunkSizes');
    assert.equal(one.bundle.code, two.bundle.code);
    assert.equal(one.bundle.hash, two.bundle.hash);
    assert.equal(one.bundle.hash, createHash('sha256').update(one.bundle.code).digest('hex'));
    assert.match(one.bundle.hash, /^[0-9a-f]{64}$/);
    assert.notEqual(one.bundle.hash, (await ship('camel')).bundle.hash);
  });
});
