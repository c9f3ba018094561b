// Functions the analyzer must refuse, each with an error that names what is wrong and where.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bundleFunction } from '../../analyzer/bundle-function.js';
import { AnalyzerError } from '../../analyzer/errors.js';
import { extractFunction, type FunctionRef } from '../../analyzer/extract-function.js';
import { appsBasic, freshDir, loadBundle, removeDir, writeTree } from './support.js';

const appFile = join(appsBasic, 'app.js');

function rejects(ref: FunctionRef, code: string, ...patterns: RegExp[]): AnalyzerError {
  try {
    extractFunction(ref);
  } catch (err) {
    assert.ok(err instanceof AnalyzerError, `expected an AnalyzerError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const p of patterns) assert.match(err.message, p);
    return err;
  }
  assert.fail('extractFunction did not throw');
}

describe('analyzer: errors', () => {
  const dirs: string[] = [];
  const tree = (files: Record<string, string>): string => {
    const dir = writeTree('errors', { 'package.json': '{"type":"module"}', ...files });
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach(removeDir));

  it('names a variable captured from an enclosing function, with file:line:col', async () => {
    const app = (await import(appFile)) as { makeMultiplier(f: number): (x: number) => number };
    const multiply = app.makeMultiplier(3);
    const err = rejects(
      { file: appFile, source: multiply.toString(), name: multiply.name },
      'TRELLIS_CAPTURED_VARIABLE',
      /function multiply captures variable 'factor' of an enclosing function/,
      /app\.js:\d+:\d+\)/,
      /pass it as an argument or move it to module level/,
    );
    assert.equal(err.file, appFile);
  });

  it('names every captured variable and refuses an arrow using the outer this', () => {
    const dir = tree({
      'm.js': [
        'export function outer(a, b) {',
        '  const inner = (x) => x + a + b + a;',
        '  const viaThis = () => this.value;',
        '  return [inner, viaThis];',
        '}',
      ].join('\n'),
    });
    const file = join(dir, 'm.js');
    const err = rejects(
      { file, source: '(x) => x + a + b + a', name: 'inner' },
      'TRELLIS_CAPTURED_VARIABLE',
      /captures variable 'a' of an enclosing function \(.*m\.js:2:28\) \(and also 'b'\)/,
    );
    assert.equal(err.line, 2);
    rejects({ file, source: '() => this.value', name: 'viaThis' }, 'TRELLIS_CAPTURED_VARIABLE', /captures 'this'/);
  });

  it('lets a nested named function call itself', () => {
    const dir = tree({
      'm.js': 'export function outer() {\n  function walk(n) { return n ? walk(n - 1) : 0; }\n  return walk;\n}\n',
    });
    const ex = extractFunction({ file: join(dir, 'm.js'), source: 'function walk(n) { return n ? walk(n - 1) : 0; }', name: 'walk' });
    assert.match(ex.entryCode, /const __trellis_fn = function walk\(n\)/);
  });

  it('lists the functions of the module when the function is not there', () => {
    rejects(
      { file: appFile, source: 'function nowhere() {}', name: 'nowhere' },
      'TRELLIS_FUNCTION_NOT_FOUND',
      /cannot find function nowhere in .*app\.js/,
      /Functions found there: .*chunkSizes.*fib.*makeMultiplier.*multiply/,
      /anonymous/,
    );
  });

  it('falls back to the name when the text was transformed', () => {
    const ex = extractFunction({ file: appFile, source: 'function fib(n) { /* transformed */ }', name: 'fib' });
    assert.match(ex.entryCode, /export \{ fib as __trellis_fn \}/);
  });

  it('reports a syntax error with file:line:col', () => {
    const dir = tree({ 'bad.js': 'export function ok() {}\nconst x = ;\n' });
    const err = rejects({ file: join(dir, 'bad.js'), source: 'function ok() {}', name: 'ok' }, 'TRELLIS_SYNTAX_ERROR', /bad\.js:2:11/);
    assert.equal(err.line, 2);
  });

  it('refuses an arrow that recurses through the remote() wrapper around it', async () => {
    const app = (await import(appFile)) as { countdown: () => unknown };
    rejects({ file: appFile, source: app.countdown.toString(), name: '' }, 'TRELLIS_SELF_REFERENCE', /refers to 'countdown'/);
  });

  it('refuses a binding declared inside a top-level statement', () => {
    const dir = tree({ 'm.js': 'for (var i = 0; i < 1; i++) {}\nexport function useI() { return i; }\n' });
    rejects({ file: join(dir, 'm.js'), source: 'function useI() { return i; }', name: 'useI' }, 'TRELLIS_UNSUPPORTED_BINDING', /'i'.*m\.js:1:10/);
  });

  it('ships a function with an unresolvable import, warns with file:line:col, and fails clearly on the worker if it is reached', async () => {
    const dir = tree({
      'package.json': '{"type":"module"}',
      'm.js': "import missing from 'no-such-package-for-trellis';\nexport function f() { return missing(); }\n",
    });
    const ex = extractFunction({ file: join(dir, 'm.js'), source: 'function f() { return missing(); }', name: 'f' });
    const bundle = await bundleFunction(ex);
    assert.equal(bundle.warnings.length, 1);
    assert.match(bundle.warnings[0]!, /^m\.js:1:21: import 'no-such-package-for-trellis' does not resolve: package 'no-such-package-for-trellis' is not installed/);
    const cache = freshDir('unresolved');
    try {
      await assert.rejects(async () => (await loadBundle(cache, bundle))(),
        /Cannot find module 'no-such-package-for-trellis' imported by m\.js:1:21: it did not resolve when the function was shipped/);
    } finally {
      removeDir(cache);
    }
  });

  it('refuses a bundle that would import the function module back', async () => {
    const dir = tree({
      'm.js': "import { helper } from './util.js';\nexport const NAME = 'x';\nexport function f() { return helper(); }\nconsole.log('main');\n",
      'util.js': "import { NAME } from './m.js';\nexport function helper() { return NAME; }\n",
    });
    const ex = extractFunction({ file: join(dir, 'm.js'), source: 'function f() { return helper(); }', name: 'f' });
    await assert.rejects(bundleFunction(ex), /TRELLIS_SELF_IMPORT|imported back by .*util\.js/);
  });
});
