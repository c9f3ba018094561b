// Bad input to analyze and pack, each refused with an error that says what and where.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEnvironment } from '../../analyzer/analyze-environment.js';
import { AnalyzerError } from '../../analyzer/errors.js';
import { packEnvironment } from '../../analyzer/pack-environment.js';
import { envApp } from './env-support.js';
import { removeDir, writeTree } from './support.js';

async function refuses(p: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<AnalyzerError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AnalyzerError, `expected an AnalyzerError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const pattern of patterns) assert.match(caught.message, pattern);
  return caught;
}

describe('analyzer: environment errors', () => {
  const dirs: string[] = [];
  const tree = (files: Record<string, string>): string => {
    const dir = writeTree('env-errors', { 'package.json': '{"type":"module"}', ...files });
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach(removeDir));

  it('a missing file', async () => {
    await refuses(analyzeEnvironment({ file: join(envApp, 'src/nope.js') }), 'TRELLIS_SOURCE_UNREADABLE', /no such file: .*src\/nope\.js \(expected a JavaScript or TypeScript module\)/);
  });

  it('a syntax error, with file:line:col, in JavaScript and TypeScript', async () => {
    const dir = tree({ 'bad.js': 'export const a = 1;\nconst b = ;\n', 'bad.ts': 'let x: number = 1;\nlet y: = 2;\n' });
    const js = await refuses(analyzeEnvironment({ file: join(dir, 'bad.js') }), 'TRELLIS_SYNTAX_ERROR', /bad\.js:2:11/);
    assert.equal(js.line, 2);
    await refuses(analyzeEnvironment({ file: join(dir, 'bad.ts'), functionName: 'x' }), 'TRELLIS_SYNTAX_ERROR', /bad\.ts:2:8 as TypeScript/);
  });

  it('no such function: lists the names found', async () => {
    await refuses(
      analyzeEnvironment({ file: join(envApp, 'src/typed.ts'), functionName: 'area' }),
      'TRELLIS_FUNCTION_NOT_FOUND',
      /no function named 'area' in .*typed\.ts; functions found there: distance, inSeconds/,
    );
  });

  it('a captured variable: names it, at its TypeScript position', async () => {
    const dir = tree({
      'm.js': 'export function outer(k) {\n  return function inner(x) { return x * k; };\n}\n',
      'm.ts': 'type N = number;\n\nexport function outer(k: N) {\n  return function inner(x: N): N {\n    return x * k;\n  };\n}\n',
    });
    await refuses(analyzeEnvironment({ file: join(dir, 'm.js'), functionName: 'inner' }), 'TRELLIS_CAPTURED_VARIABLE', /function inner captures variable 'k' .*m\.js:2:41/);
    const ts = await refuses(analyzeEnvironment({ file: join(dir, 'm.ts'), functionName: 'inner' }), 'TRELLIS_CAPTURED_VARIABLE', /captures variable 'k' .*m\.ts:5:16/);
    assert.equal(ts.line, 5);
  });

  it('a package that is not installed, a missing file, a path a package does not export: named with the importer', async () => {
    const dir = tree({
      'a.js': "import pad from 'left-pad-for-trellis';\nexport function f() { return pad('x', 3); }\n",
      'b.js': "import { g } from './nowhere.js';\nexport function f() { return g(); }\n",
      'c.js': "import x from 'shy/hidden';\nexport function f() { return x; }\n",
      'node_modules/shy/package.json': '{"name":"shy","version":"1.0.0","exports":{".":"./index.js"}}',
      'node_modules/shy/index.js': 'module.exports = 1;',
      'node_modules/shy/hidden.js': 'module.exports = 2;',
    });
    // Each is a warning (the environment is still made); the worker fails clearly if the code reaches it.
    const warnings = async (file: string, fn?: string): Promise<string[]> =>
      (await analyzeEnvironment({ file: join(dir, file), ...(fn ? { functionName: fn } : {}) })).spec.warnings ?? [];
    assert.match((await warnings('a.js', 'f'))[0]!,
      /^a\.js:1:17: import 'left-pad-for-trellis' does not resolve: package 'left-pad-for-trellis' is not installed \(no node_modules\/left-pad-for-trellis at or above/);
    assert.match((await warnings('b.js', 'f'))[0]!, /^b\.js:1:19: import '\.\/nowhere\.js' does not resolve: no such file/);
    assert.match((await warnings('c.js'))[0]!, /^c\.js:1:15: import 'shy\/hidden' does not resolve: package 'shy' \(.*node_modules\/shy\) does not export it/);
  });

  it('a bad spec: unknown key, wrong type, no function, not JSON, a version other than installed', async () => {
    const dir = tree({ 'm.js': "import ms from 'ms';\nexport function f() { return ms('1s'); }\n", 'node_modules/ms/package.json': '{"name":"ms","version":"2.1.3"}', 'node_modules/ms/index.js': 'module.exports = () => 1000;' });
    const spec = (name: string, value: unknown): string => {
      const path = join(dir, name);
      writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
      return path;
    };
    const out = join(dir, 'env.tar.gz');
    await refuses(packEnvironment({ specFile: spec('a.json', { function: { module: 'm.js' }, extra: 1 }), out }), 'TRELLIS_BAD_SPEC', /a\.json: unknown key 'extra'/);
    await refuses(packEnvironment({ specFile: spec('b.json', { function: { module: 'm.js' }, data: 'x' }), out }), 'TRELLIS_BAD_SPEC', /'data' expects an array of strings, got the string "x"/);
    await refuses(packEnvironment({ specFile: spec('c.json', { npm: {} }), out }), 'TRELLIS_BAD_SPEC', /'function' expects \{"module": PATH, "export": NAME\}, got nothing/);
    await refuses(packEnvironment({ specFile: spec('d.json', '{"function": '), out }), 'TRELLIS_BAD_SPEC', /d\.json: expected JSON, got a parse error/);
    await refuses(
      packEnvironment({ specFile: spec('e.json', { function: { module: 'm.js', export: 'f' }, npm: { ms: '2.0.0' } }), out }),
      'TRELLIS_SPEC_MISMATCH',
      /'npm\.ms' expects version 2\.0\.0, but the environment would hold 2\.1\.3/,
    );
    await refuses(packEnvironment({ specFile: spec('f.json', { function: { module: 'm.js', export: 'f' }, data: ['gone.txt'] }), out }), 'TRELLIS_BAD_SPEC', /'data\[0\]' expects an existing file or folder, got .*gone\.txt/);
  });

  it('a git or http source that cannot be fetched: names the entry', async () => {
    const dir = tree({ 'm.js': 'export function f() { return 1; }\n' });
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ function: { module: 'm.js', export: 'f' }, git: { REPO: { remote: join(dir, 'no-repo'), ref: 'main' } } }));
    await refuses(packEnvironment({ specFile: spec, out: join(dir, 'e.tar.gz') }), 'TRELLIS_FETCH_FAILED', /git\.REPO: cannot clone the repository \(remote .*no-repo, ref main\)/);
    writeFileSync(spec, JSON.stringify({ function: { module: 'm.js', export: 'f' }, http: { DATA: { type: 'file', url: 'http://127.0.0.1:9/x.txt' } } }));
    await refuses(packEnvironment({ specFile: spec, out: join(dir, 'e.tar.gz') }), 'TRELLIS_FETCH_FAILED', /http\.DATA: GET failed: .* \(http:\/\/127\.0\.0\.1:9\/x\.txt\)/);
  });
});
