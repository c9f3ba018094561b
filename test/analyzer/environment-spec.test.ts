// The spec format: what it accepts, and errors that name the key, what it expects and what it got.
import assert from 'node:assert/strict';
import { formatSpec, validateSpec } from '../../analyzer/environment-spec.js';
import { AnalyzerError } from '../../analyzer/errors.js';

const good = {
  function: { module: 'src/app.js', export: 'fib' },
  node: '>=20.19',
  npm: { lodash: '4.18.1' },
  builtins: ['node:fs'],
  local: ['src/app.js'],
  data: ['data/x.txt'],
  native: { bufferutil: '4.1.0' },
  files: ['src/app.js'],
  git: { REPO: { remote: 'https://example.org/r.git', ref: 'v1' } },
  http: { TABLE: { type: 'file', url: 'https://example.org/t.csv' }, MODEL: { type: 'tar', url: 'http://example.org/m.tar.gz' } },
};

function rejects(value: unknown, ...patterns: RegExp[]): void {
  assert.throws(
    () => validateSpec(value, 'spec.json'),
    (err: unknown) => {
      assert.ok(err instanceof AnalyzerError);
      assert.equal(err.code, 'TRELLIS_BAD_SPEC');
      for (const p of patterns) assert.match(err.message, p);
      return true;
    },
  );
}

describe('analyzer: the spec format', () => {
  it('accepts a full spec', () => {
    assert.deepEqual(validateSpec(good, 'spec.json'), good);
  });

  it('refuses unknown keys, naming them and the known ones', () => {
    rejects({ ...good, npmm: {} }, /spec\.json: unknown key 'npmm' \(known keys: function, root, node, npm/);
    rejects({ ...good, function: { module: 'a.js', name: 'f' } }, /'function\.name' expects no such key \(known: module, export\)/);
    rejects({ ...good, git: { R: { remote: 'x', ref: 'y', depth: 1 } } }, /'git\.R\.depth'/);
  });

  it('refuses wrong types, naming the key, what it expects and what it got', () => {
    rejects({ npm: { lodash: 4 } }, /'npm\.lodash' expects a non-empty string, got number 4/);
    rejects({ builtins: 'fs' }, /'builtins' expects an array of strings, got the string "fs"/);
    rejects({ files: ['a', 3] }, /'files\[1\]' expects a non-empty string, got number 3/);
    rejects({ node: 'twenty' }, /'node' expects a semver range such as ">=20\.19", got the string "twenty"/);
    rejects({ function: { export: 'f' } }, /'function\.module' expects a non-empty string, got undefined/);
    rejects([], /'\(top level\)' expects an object, got an array/);
  });

  it('checks git and http entries and their variable names', () => {
    rejects({ git: { REPO: { remote: 'x' } } }, /'git\.REPO\.ref' expects a non-empty string, got undefined/);
    rejects({ http: { T: { type: 'zip', url: 'https://x/y' } } }, /'http\.T\.type' expects "file" or "tar", got the string "zip"/);
    rejects({ http: { T: { type: 'file', url: 'ftp://x/y' } } }, /'http\.T\.url' expects an http:\/\/ or https:\/\/ URL/);
    rejects({ http: { 'MY-VAR': { type: 'file', url: 'https://x/y' } } }, /'http\.MY-VAR' expects an environment variable name/);
    rejects(
      { git: { X: { remote: 'r', ref: 'v' } }, http: { X: { type: 'file', url: 'https://x/y' } } },
      /'http\.X' expects a variable name not also used by git/,
    );
  });

  it('prints keys in the documented order', () => {
    const text = formatSpec({ files: ['a'], npm: {}, function: { module: 'a.js' } });
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ['function', 'npm', 'files']);
  });
});
