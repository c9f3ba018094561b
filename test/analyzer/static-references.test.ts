// The scanner for what a bundler does not follow: data files behind static paths, computed
// specifiers, and the own-location expressions a packed environment rewrites.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scanReferences } from '../../analyzer/static-references.js';
import { removeDir, writeTree } from './support.js';

describe('analyzer: static references', () => {
  let dir: string;
  before(() => {
    dir = writeTree('refs', { 'lib/a.txt': 'a', 'lib/sub/b.txt': 'b', 'root.txt': 'r' });
  });
  after(() => removeDir(dir));
  const scan = (code: string) => scanReferences(join(dir, 'lib', 'm.js'), code, dir);
  const paths = (code: string): string[] => scan(code).data.map((d) => d.path);

  it('finds new URL(literal, import.meta.url)', () => {
    assert.deepEqual(paths("const u = new URL('./a.txt', import.meta.url);"), [join(dir, 'lib/a.txt')]);
    assert.deepEqual(paths("const u = new URL('https://example.org/x', import.meta.url);"), []);
  });

  it('finds path.join/resolve from __dirname, import.meta.dirname and dirname(fileURLToPath(import.meta.url))', () => {
    assert.deepEqual(paths("path.join(__dirname, 'sub', 'b.txt')"), [join(dir, 'lib/sub/b.txt')]);
    assert.deepEqual(paths("resolve(import.meta.dirname, 'a.txt')"), [join(dir, 'lib/a.txt')]);
    assert.deepEqual(paths("join(dirname(fileURLToPath(import.meta.url)), '..', 'root.txt')"), [join(dir, 'root.txt')]);
    assert.deepEqual(paths("__dirname + '/a.txt'"), [join(dir, 'lib/a.txt')]);
    assert.deepEqual(paths("path.join(__dirname, 'sub', name)"), [join(dir, 'lib/sub/b.txt')], 'a computed part is a glob over what exists');
  });

  it('finds fs reads of literal paths relative to the project root, and warns about absolute ones', () => {
    const r = scan("fs.readFileSync('root.txt'); readFile(`lib/a.txt`, cb); readFileSync('/etc/hostname');");
    assert.deepEqual(r.data.map((d) => d.path), [join(dir, 'root.txt'), join(dir, 'lib/a.txt')]);
    assert.match(r.warnings[0]!.message, /absolute path \/etc\/hostname, which is not shipped/);
  });

  it('warns about a static path that does not exist', () => {
    const r = scan("const u = new URL('./missing.txt', import.meta.url);");
    assert.deepEqual(r.data, []);
    assert.match(r.warnings[0]!.message, /names lib\/missing\.txt, which does not exist/);
  });

  it('warns about computed import() and require() with line and column, not literal ones', () => {
    const r = scan("import('./x.js');\nrequire(`./y.js`);\n  import(name);\nconst m = require('./p/' + name);\nimport(`./p/${name}.js`);");
    assert.deepEqual(
      r.warnings.map((w) => `${w.line}:${w.column} ${w.message.slice(0, 9)}`),
      ['3:3 import() ', '4:11 require()', '5:1 import() '],
    );
    assert.equal(r.relocations.filter((x) => x.as === 'opaque').length, 3);
  });

  it('marks own-location expressions for relocation, shorthand properties included', () => {
    const code = 'const o = { __dirname }; f(__filename, import.meta.url, import.meta.dirname); const x = { __dirname: 1 }.__dirname;';
    const r = scan(code);
    const marks = r.relocations.map((x) => `${code.slice(x.start, x.end)}:${x.as}${x.prefix ? `:${x.prefix}` : ''}`);
    assert.deepEqual(marks, ['__dirname:path:__dirname: ', '__filename:path', 'import.meta.url:url', 'import.meta.dirname:path']);
  });

  it('leaves a module that declares its own __dirname to that declaration', () => {
    const r = scan("const __dirname = dirname(fileURLToPath(import.meta.url));\nreadFileSync(join(__dirname, 'a.txt'));");
    assert.deepEqual(r.data.map((d) => d.path), [join(dir, 'lib/a.txt')], 'its own folder is its code, not data');
    assert.deepEqual(r.relocations.map((x) => x.as), ['url']);
  });

  it('returns nothing for code that does not parse (the bundler reports it)', () => {
    assert.deepEqual(scan('import.meta.url = ;'), { data: [], warnings: [], relocations: [] });
  });
});
