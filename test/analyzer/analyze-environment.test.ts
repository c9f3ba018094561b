// What `trellis analyze` reports for the fixture applications: packages with their installed
// versions, builtins, local modules, data files, native packages, every file, and warnings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEnvironment } from '../../analyzer/analyze-environment.js';
import type { EnvironmentSpec } from '../../analyzer/environment-spec.js';
import { envApp, heavyApp } from './env-support.js';
import { removeDir, writeTree } from './support.js';

async function specOf(app: string, file: string, name?: string): Promise<EnvironmentSpec> {
  return (await analyzeEnvironment({ file: join(app, file), ...(name !== undefined ? { functionName: name } : {}) })).spec;
}

function installedVersion(app: string, pkg: string): string {
  return (JSON.parse(readFileSync(join(app, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('analyzer: environment specs of the fixtures', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  it('names the function and its module relative to the project root, and the Node range from engines', async () => {
    const spec = await specOf(envApp, 'src/esm-only.js', 'idFrom');
    assert.deepEqual(spec.function, { module: 'src/esm-only.js', export: 'idFrom' });
    assert.equal(spec.node, '>=20.19');
    assert.deepEqual(spec.npm, { nanoid: installedVersion(envApp, 'nanoid') });
    assert.deepEqual(spec.builtins, ['node:crypto']);
    assert.deepEqual(spec.local, ['src/esm-only.js']);
    for (const f of spec.files!) assert.ok(!f.startsWith('/') && !f.startsWith('..'), `${f} is not relative to the project root`);
    assert.ok(spec.files!.includes('node_modules/nanoid/package.json'));
  });

  it('follows CommonJS requires', async () => {
    const spec = await specOf(envApp, 'src/commonjs.cjs', 'toMilliseconds');
    assert.deepEqual(spec.npm, { ms: installedVersion(envApp, 'ms') });
    assert.ok(spec.files!.includes('node_modules/ms/index.js'));
  });

  it('picks the files Node 20.19 picks through "exports" and "imports" conditions, module-sync included', async () => {
    const imported = await specOf(envApp, 'src/conditions.js', 'conditionsChosen');
    const pkg = (f: string): string => `node_modules/cond-exports/${f}`;
    for (const f of ['module-sync.mjs', 'flavour-node.cjs', 'feature-node.mjs']) assert.ok(imported.files!.includes(pkg(f)), f);
    for (const f of ['module.mjs', 'browser.mjs', 'import.mjs', 'require.cjs', 'default.cjs', 'feature-default.cjs', 'flavour-default.cjs']) {
      assert.ok(!imported.files!.includes(pkg(f)), `${f} should not be picked`);
    }
    const required = await specOf(envApp, 'src/conditions-required.cjs', 'requiredConditions');
    assert.ok(required.files!.includes(pkg('module-sync.mjs')));
    assert.ok(required.files!.includes(pkg('feature-node.cjs')));
    assert.ok(!required.files!.includes(pkg('require.cjs')));
    const uuid = await specOf(envApp, 'src/conditions.js', 'nameUuid');
    assert.deepEqual(uuid.npm, { uuid: '11.1.0' });
    assert.ok(uuid.files!.some((f) => f.startsWith('node_modules/uuid/dist/esm/')));
    assert.ok(!uuid.files!.some((f) => f.includes('esm-browser') || f.includes('/dist/cjs')));
  });

  it('lists a JSON import as a local module', async () => {
    const spec = await specOf(envApp, 'src/json-import.js', 'elementName');
    assert.deepEqual(spec.local, ['src/json-import.js', 'src/table.json']);
    assert.deepEqual(spec.npm, {});
  });

  it('finds data files read through import.meta.url, __dirname and literal paths', async () => {
    const url = await specOf(envApp, 'src/data-files.js', 'wordCount');
    assert.deepEqual(url.data, ['data/words.txt']);
    assert.deepEqual(url.builtins, ['node:fs']);
    assert.ok(url.files!.includes('data/words.txt'));
    const literal = await specOf(envApp, 'src/data-files.js', 'literalText');
    assert.deepEqual(literal.data, ['data/literal.txt']);
    const dirname = await specOf(envApp, 'src/data-dirname.cjs', 'greet');
    assert.deepEqual(dirname.data, ['data/greeting.txt']);
    assert.deepEqual(dirname.builtins, ['node:fs', 'node:path']);
  });

  it('reports a native addon package with its version and lists all its files', async () => {
    const spec = await specOf(envApp, 'src/native.js', 'maskBytes');
    const version = installedVersion(envApp, 'bufferutil');
    assert.deepEqual(spec.native, { bufferutil: version });
    assert.deepEqual(spec.npm, { bufferutil: version, 'node-gyp-build': installedVersion(envApp, 'node-gyp-build') });
    assert.ok(spec.files!.includes('node_modules/bufferutil/prebuilds/linux-x64/bufferutil.node'));
    assert.ok(spec.files!.includes('node_modules/node-gyp-build/index.js'));
  });

  it('analyzes TypeScript: only what the function uses, .js specifiers finding .ts files', async () => {
    const distance = await specOf(envApp, 'src/typed.ts', 'distance');
    assert.deepEqual(distance.local, ['src/geometry.ts', 'src/typed.ts']);
    assert.deepEqual(distance.npm, {});
    const seconds = await specOf(envApp, 'src/typed.ts', 'inSeconds');
    assert.deepEqual(seconds.npm, { ms: '2.1.3' });
    assert.deepEqual(seconds.local, ['src/typed.ts']);
  });

  it('warns about import() and require() of computed specifiers, with file:line:col', async () => {
    const esm = await specOf(envApp, 'src/dynamic.js');
    assert.deepEqual(esm.warnings, [
      "src/dynamic.js:3:10: import() of `./plugins/${name}.js` is only partly known: the modules its unknown part names are not in the environment (list them in 'include')",
    ]);
    assert.ok(esm.local!.includes('src/json-import.js'), 'a literal import() is followed');
    const cjs = await specOf(envApp, 'src/dynamic-require.cjs');
    assert.match(cjs.warnings![0]!, /^src\/dynamic-require\.cjs:3:10: require\(\) of name is computed at run time/);
    assert.equal((await specOf(envApp, 'src/dynamic.js', 'loadFixed')).warnings, undefined);
  });

  it('maps a warning in TypeScript back to its line and column', async () => {
    const dir = writeTree('ts-warning', {
      'package.json': '{"type":"module"}',
      'm.ts': [
        'interface Options { verbose: boolean }',
        'type Name = string;',
        'export async function load(name: Name, _o?: Options): Promise<unknown> {',
        '  return import(name);',
        '}',
      ].join('\n'),
    });
    dirs.push(dir);
    const spec = (await analyzeEnvironment({ file: join(dir, 'm.ts'), functionName: 'load' })).spec;
    assert.match(spec.warnings![0]!, /^m\.ts:4:10: import\(\)/);
  });

  it('gives each function of the heavy module only its own package, the module all of them', async () => {
    const own: Record<string, string> = {
      calculate: 'mathjs',
      dayAfter: 'date-fns',
      groupByLength: 'lodash',
      readYaml: 'yaml',
      validate: 'ajv',
      render: 'marked',
    };
    const all = Object.values(own);
    const whole = await specOf(heavyApp, 'app.js');
    for (const p of all) assert.ok(p in whole.npm!, `${p} in the module's spec`);
    for (const [fn, pkg] of Object.entries(own)) {
      const spec = await specOf(heavyApp, 'app.js', fn);
      assert.ok(pkg in spec.npm!, `${fn} uses ${pkg}`);
      for (const other of all.filter((p) => p !== pkg)) assert.ok(!(other in spec.npm!), `${fn} should not hold ${other}`);
    }
  });
});
