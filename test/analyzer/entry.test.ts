// The shape of the synthesized entry for the less common forms, and how fast extraction is.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bundleFunction } from '../../analyzer/bundle-function.js';
import { bundleFormat } from '../../protocol/bundle-format.js';
import { extractFunction } from '../../analyzer/extract-function.js';
import { declaredModuleType, clearModuleTypeCache } from '../../analyzer/module-type.js';
import { freshDir, loadBundle, removeDir, writeTree } from './support.js';

describe('analyzer: entry synthesis and module types', () => {
  const dirs: string[] = [];
  const tree = (files: Record<string, string>): string => {
    const dir = writeTree('entry', files);
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach(removeDir));

  it('decides the module type as Node 20 does', () => {
    clearModuleTypeCache();
    const dir = tree({
      'esm/package.json': '{"type":"module"}',
      'esm/a.js': '',
      'esm/sub/b.js': '',
      'cjs/package.json': '{"type":"commonjs"}',
      'cjs/a.js': '',
      'untyped/package.json': '{"name":"u"}',
      'untyped/a.js': '',
      'untyped/b.mjs': '',
      'esm/c.cjs': '',
    });
    assert.equal(declaredModuleType(join(dir, 'esm/a.js')), 'module');
    assert.equal(declaredModuleType(join(dir, 'esm/sub/b.js')), 'module');
    assert.equal(declaredModuleType(join(dir, 'esm/c.cjs')), 'commonjs');
    assert.equal(declaredModuleType(join(dir, 'cjs/a.js')), 'commonjs');
    assert.equal(declaredModuleType(join(dir, 'untyped/a.js')), 'ambiguous');
    assert.equal(declaredModuleType(join(dir, 'untyped/b.mjs')), 'module');
  });

  it('detects the module type from syntax when nothing declares it', () => {
    const dir = tree({
      'package.json': '{"name":"untyped"}',
      'esm.js': "import os from 'node:os';\nexport function cores() { return os.cpus().length > 0; }\n",
      'tla.js': 'const ready = await Promise.resolve(2);\nexport function twice(x) { return x * ready; }\n',
      'cjs.js': "const os = require('node:os');\nfunction cores() { return os.cpus().length > 0; }\nmodule.exports = cores;\n",
    });
    const type = (f: string, source: string, name: string): string =>
      extractFunction({ file: join(dir, f), source, name }).moduleType;
    assert.equal(type('esm.js', 'function cores() { return os.cpus().length > 0; }', 'cores'), 'module');
    assert.equal(type('tla.js', 'function twice(x) { return x * ready; }', 'twice'), 'module');
    assert.equal(type('cjs.js', 'function cores() { return os.cpus().length > 0; }', 'cores'), 'commonjs');
  });

  it('handles default, namespace, renamed and partially used imports, classes and exports', async () => {
    const dir = tree({
      'package.json': '{"type":"module"}',
      'lib.js': 'export default 40;\nexport const two = 2;\nexport const unused = "UNUSED_LIB_EXPORT";\n',
      'm.js': [
        "import base, * as lib from './lib.js';",
        "import { two as TWO, unused } from './lib.js';",
        'export default class Counter { constructor() { this.n = base; } add() { return this.n + TWO; } }',
        'let calls = 0;',
        'export const run = () => { calls++; return [new Counter().add(), lib.two, calls]; };',
        'console.log(unused, "MAIN");',
      ].join('\n'),
    });
    const file = join(dir, 'm.js');
    const ex = extractFunction({ file, source: '() => { calls++; return [new Counter().add(), lib.two, calls]; }', name: 'run' });
    assert.match(ex.entryCode, /^import base, \* as lib from '\.\/lib\.js';\nimport \{ two as TWO \} from +'\.\/lib\.js';/);
    assert.ok(!ex.entryCode.includes('console.log'));
    const cache = freshDir('cache-entry');
    dirs.push(cache);
    const fn = await loadBundle(cache, await bundleFunction(ex));
    assert.deepEqual(fn(), [42, 2, 1]);
  });

  it('finds a function imported into the call-site module from a relative path', async () => {
    const dir = tree({
      'package.json': '{"type":"module"}',
      'math.js': 'const K = 3;\nexport function triple(x) { return x * K; }\n',
      'main.js': "import { triple } from './math.js';\nconsole.log('MAIN', triple(1));\n",
    });
    const ex = extractFunction({ file: join(dir, 'main.js'), source: 'function triple(x) { return x * K; }', name: 'triple', line: 2 });
    assert.equal(ex.file, join(dir, 'math.js'));
    const cache = freshDir('cache-entry');
    dirs.push(cache);
    const fn = await loadBundle(cache, await bundleFunction(ex));
    assert.equal(fn(5), 15);
  });

  it('bundles as CommonJS, and as an ES module when a dependency uses top-level await; both run as the worker loads them', async () => {
    const dir = tree({
      'package.json': '{"type":"module"}',
      'base.js': 'export const base = await Promise.resolve(40);\n',
      'plain.js': 'export function where() { return import.meta.url; }\n',
      'tla.js': "import { base } from './base.js';\nexport function addBase(x) { return x + base; }\n",
    });
    const cache = freshDir('cache-entry');
    dirs.push(cache);
    const plain = await bundleFunction(extractFunction({ file: join(dir, 'plain.js'), source: 'function where() { return import.meta.url; }', name: 'where' }));
    assert.equal(bundleFormat(plain.code), 'cjs');
    // import.meta.url names the module's place in the environment: files/<its path in the project>, beside the bundle.
    assert.equal(await (await loadBundle(cache, plain))(), `file://${join(cache, 'files/plain.js')}`);
    const tla = await bundleFunction(extractFunction({ file: join(dir, 'tla.js'), source: 'function addBase(x) { return x + base; }', name: 'addBase' }));
    assert.equal(bundleFormat(tla.code), 'esm');
    assert.equal(await (await loadBundle(cache, tla))(2), 42);
  });

  it('takes one function of many with only the constant it uses', () => {
    const body = Array.from({ length: 40 }, (_, i) => `export function f${i}(x) { return x + ${i} + (C${i % 5} ?? 0); }`).join('\n');
    const consts = Array.from({ length: 5 }, (_, i) => `const C${i} = ${i};`).join('\n');
    const dir = tree({ 'package.json': '{"type":"module"}', 'm.js': `${consts}\n${body}\n` });
    const ex = extractFunction({ file: join(dir, 'm.js'), source: 'function f7(x) { return x + 7 + (C2 ?? 0); }', name: 'f7' });
    assert.match(ex.entryCode, /const C2 = 2;/);
    assert.doesNotMatch(ex.entryCode, /C1 = 1|function f8/);
  });
});
