// One fixture per way code names the files it needs (fixtures/patterns/<pattern>): each function's
// environment holds exactly the files listed here, says what it could not know, and the function runs
// from that environment laid out as a worker lays it out, in a folder with no project around it.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeEnvironment } from '../../analyzer/analyze-environment.js';
import { bundleFormat } from '../../protocol/bundle-format.js';
import { bundleFunction, type FunctionBundle } from '../../analyzer/bundle-function.js';
import { extractNamedFunction } from '../../analyzer/named-function.js';
import { GLOB_LIMITS } from '../../analyzer/static-references.js';
import { layOutEnvironment } from '../../runtime/environment-dir.js';
import { loadBundle } from '../../runtime/load-bundle.js';
import { projectRoot } from './support.js';

const PATTERNS = join(projectRoot, 'fixtures/patterns');

interface Case {
  pattern: string;
  file: string;
  fn: string;
  args: unknown[];
  result: unknown;
  files: string[];
  warnings?: RegExp[];
}

const cases: Case[] = [
  { pattern: 'template literal', file: 'template/index.js', fn: 'read', args: [], result: 'template-a', files: ['files/template/data/a.txt'] },
  { pattern: '+ and .concat', file: 'concat/index.js', fn: 'read', args: [], result: 'concat-a concat-b', files: ['files/concat/data/a.txt', 'files/concat/data/b.txt'] },
  { pattern: 'constant aliases', file: 'alias/index.js', fn: 'read', args: [], result: 'alias-a', files: ['files/alias/data/a.txt'] },
  { pattern: 'path.sep', file: 'sep/index.js', fn: 'read', args: [], result: 'sep-a', files: ['files/sep/data/a.txt'] },
  { pattern: "TypeScript's (0, path_1.join)(__dirname, ...)", file: 'tsc-join/index.js', fn: 'read', args: [], result: 'tsc-a', files: ['files/tsc-join/data/a.txt'] },
  { pattern: 'require(`${__dirname}/x`)', file: 'require-template/index.js', fn: 'load', args: [], result: 'required-x', files: [] },
  { pattern: 'process.cwd()', file: 'cwd/index.js', fn: 'read', args: [], result: 'cwd-a', files: ['files/cwd/data/a.txt'] },
  { pattern: 'fs-extra / graceful-fs used like fs', file: 'fs-extra-like/index.js', fn: 'read', args: [], result: 3, files: ['files/fs-extra-like/data/c.json'],
    // The shim's own read of the path it is passed: the project's code, so it is said too.
    warnings: [/^fs-extra-like\/fs-compat\.js:3:59: readFileSync\(p\) reads a path computed at run time; nothing is shipped for it: list what it reads in 'include'$/] },
  { pattern: 'conditional specifiers and paths: every branch', file: 'conditional/index.js', fn: 'pick', args: [false], result: 'y cond-b',
    files: ['files/conditional/data/a.txt', 'files/conditional/data/b.txt'] },
  { pattern: "x || './dep': the known branch, and a warning for the other", file: 'logical/index.js', fn: 'load', args: [], result: 'dep', files: [],
    warnings: [/^logical\/index\.js:1:26: require\(\) of process\.env\.TRELLIS_FIXTURE_PLUGIN \|\| '\.\/lib\/dep\.js' is only partly known: took \.\/lib\/dep\.js;/] },
  { pattern: 'a variable assigned in branches', file: 'branches/index.js', fn: 'read', args: [true], result: 'branch-a',
    files: ['files/branches/data/a.txt', 'files/branches/data/b.txt'] },
  { pattern: 'a partly unknown path: a glob over what exists', file: 'glob/index.js', fn: 'hi', args: ['fr'], result: 'salut',
    files: ['files/glob/locale/en.json', 'files/glob/locale/fr.json'],
    warnings: [/^glob\/index\.js:3:39: readFileSync\(path\.join\(__dirname, 'locale', lang \+ '\.json'\)\) is only partly known: took the 2 file\(s\) matching glob\/locale\/\*\.json$/] },
  { pattern: 'readdirSync(__dirname + "/plugins")', file: 'glob/index.js', fn: 'plugins', args: [], result: ['one.txt', 'two.txt'],
    files: ['files/glob/plugins/one.txt', 'files/glob/plugins/two.txt'] },
  { pattern: 'createRequire reached through import * as module', file: 'create-require/index.mjs', fn: 'load', args: [], result: 'created-x', files: [] },
  { pattern: 'require.resolve() targets', file: 'require-resolve/index.js', fn: 'read', args: [], result: 'resolved-a', files: ['files/require-resolve/data/a.txt'] },
  { pattern: 'a symlinked data file', file: 'symlink/index.js', fn: 'read', args: [], result: 'link-target', files: ['files/symlink/data/link.txt'] },
  { pattern: "assert/with {type:'json'}, ./lib is lib.ts", file: 'imports/index.mjs', fn: 'info', args: [], result: ['lib.ts', 7, 7], files: [] },
];

/** Lays the environment out as a worker does (its files copied from the project) and loads the function. */
async function runFromEnvironment(bundle: FunctionBundle, args: unknown[]): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-patterns-'));
  try {
    const sources = new Map(bundle.files.map((f) => [f.hash, f.source]));
    const path = layOutEnvironment(dir, bundle.hash, bundle.code, bundleFormat(bundle.code), bundle.files, (h) => sources.get(h)!);
    const fn = (await loadBundle(path))[bundle.exportName] as (...a: unknown[]) => unknown;
    return await fn(...args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('analyzer: path and specifier patterns, each with the exact files its environment holds', () => {
  const saved = process.env.TRELLIS_CACHE;
  before(() => { process.env.TRELLIS_CACHE = 'off'; });
  after(() => {
    if (saved === undefined) delete process.env.TRELLIS_CACHE;
    else process.env.TRELLIS_CACHE = saved;
  });

  for (const c of cases) {
    it(`${c.pattern} (${c.file} ${c.fn})`, async () => {
      const bundle = await bundleFunction(extractNamedFunction(join(PATTERNS, c.file), c.fn));
      assert.deepEqual(bundle.files.map((f) => f.path), c.files);
      const expected = c.warnings ?? [];
      assert.equal(bundle.warnings.length, expected.length, `warnings: ${JSON.stringify(bundle.warnings)}`);
      expected.forEach((re, i) => assert.match(bundle.warnings[i]!, re));
      assert.deepEqual(await runFromEnvironment(bundle, c.args), c.result);
    });
  }

  it('a UMD/AMD factory: the require it is handed is followed', async () => {
    const a = await analyzeEnvironment({ file: join(PATTERNS, 'umd/index.js') });
    assert.ok(a.spec.local!.includes('umd/lib/x.js'), JSON.stringify(a.spec.local));
    assert.equal(a.spec.warnings, undefined);
    assert.match(a.code, /umd-x/);
  });

  it('.css and unknown-extension imports do not fail the bundle: each is a warning', async () => {
    const a = await analyzeEnvironment({ file: join(PATTERNS, 'imports/index.mjs') });
    assert.equal(a.spec.warnings!.length, 2, JSON.stringify(a.spec.warnings));
    assert.match(a.spec.warnings![0]!, /^imports\/index\.mjs:1:8: imports of \.css files are left empty/);
    assert.match(a.spec.warnings![1]!, /^imports\/index\.mjs:2:8: imports of \.xyz files are left empty/);
  });

  it("what no analysis can see is a warning, and `include` ships it", async () => {
    const ex = extractNamedFunction(join(PATTERNS, 'include/index.js'), 'read');
    const blind = await bundleFunction(ex);
    assert.deepEqual(blind.files, []);
    assert.deepEqual(blind.warnings, ["include/index.js:5:30: readFileSync(locate(name)) reads a path computed at run time; nothing is shipped for it: list what it reads in 'include'"]);
    const included = await bundleFunction(ex, { include: ['include/data/**'] });
    assert.deepEqual(included.files.map((f) => f.path), ['files/include/data/secret.txt']);
    assert.equal(await runFromEnvironment(included, ['secret.txt']), 'found through include');
    const none = await bundleFunction(ex, { include: ['include/nothing/**'] });
    assert.match(none.warnings[1]!, /^include 'include\/nothing\/\*\*' matches no file under /);
  });

  it('a glob over more files than the limit takes none and says so', async () => {
    const saved = GLOB_LIMITS.files;
    GLOB_LIMITS.files = 1;
    try {
      const bundle = await bundleFunction(extractNamedFunction(join(PATTERNS, 'glob/index.js'), 'hi'));
      assert.deepEqual(bundle.files, []);
      assert.match(bundle.warnings[0]!, /glob\/locale\/\*\.json matches 2 files, more than 1; nothing is shipped for it: list what it needs in 'include'/);
    } finally {
      GLOB_LIMITS.files = saved;
    }
  });
});

describe('analyzer: a native package in a pnpm layout (links into node_modules/.pnpm)', () => {
  let app: string;
  const saved = process.env.TRELLIS_CACHE;
  before(() => {
    process.env.TRELLIS_CACHE = 'off';
    app = mkdtempSync(join(tmpdir(), 'trellis-pnpm-'));
    const store = join(app, 'node_modules/.pnpm');
    const pkg = join(store, 'masker@1.0.0/node_modules/masker');
    const helper = join(store, 'helper@1.0.0/node_modules/helper');
    mkdirSync(pkg, { recursive: true });
    mkdirSync(helper, { recursive: true });
    writeFileSync(join(app, 'package.json'), '{"name":"pnpm-app","type":"module","dependencies":{"masker":"1.0.0"}}');
    writeFileSync(join(app, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    writeFileSync(join(app, 'm.js'), "import masker from 'masker';\nexport function masked(b, k) { return masker(b, k); }\n");
    writeFileSync(join(pkg, 'package.json'), '{"name":"masker","version":"1.0.0","main":"index.js","dependencies":{"helper":"1.0.0"}}');
    writeFileSync(join(pkg, 'index.js'), [
      "const addon = require('./build/addon.node');",
      "const { toBuffer } = require('helper');",
      'module.exports = (bytes, key) => { const out = Buffer.alloc(bytes.length); addon.mask(toBuffer(bytes), toBuffer(key), out, 0, bytes.length); return [...out]; };',
    ].join('\n'));
    mkdirSync(join(pkg, 'build'));
    copyFileSync(join(projectRoot, 'fixtures/env-app/node_modules/bufferutil/prebuilds/linux-x64/bufferutil.node'), join(pkg, 'build/addon.node'));
    writeFileSync(join(helper, 'package.json'), '{"name":"helper","version":"1.0.0","main":"index.js"}');
    writeFileSync(join(helper, 'index.js'), 'exports.toBuffer = (a) => Buffer.from(a);\n');
    // pnpm's links: the app's dependency, and the package's own dependency beside it in the store.
    symlinkSync(join(store, 'masker@1.0.0/node_modules/masker'), join(app, 'node_modules/masker'));
    symlinkSync(helper, join(store, 'masker@1.0.0/node_modules/helper'));
  });
  after(() => {
    rmSync(app, { recursive: true, force: true });
    if (saved === undefined) delete process.env.TRELLIS_CACHE;
    else process.env.TRELLIS_CACHE = saved;
  });

  it('ships the package and its dependency where the bundle looks for them, and the addon loads', async () => {
    const bundle = await bundleFunction(extractNamedFunction(join(app, 'm.js'), 'masked'));
    assert.deepEqual(bundle.files.map((f) => f.path), [
      'node_modules/helper/index.js',
      'node_modules/helper/package.json',
      'node_modules/masker/build/addon.node',
      'node_modules/masker/index.js',
      'node_modules/masker/package.json',
    ]);
    assert.deepEqual(await runFromEnvironment(bundle, [[1, 2, 3, 4], [7, 7, 7, 7]]), [6, 5, 4, 3]);
  });
});
