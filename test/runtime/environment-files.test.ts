// An environment that carries files, on a worker node: its file list checked (nothing may land outside
// its folder), laid out whole from the content cache, and evicted in one step under the cache cap.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentHash, envFilesProblem, type EnvFile } from '../../protocol/environment-files.js';
import { BundleStore } from '../../runtime/bundle-store.js';
import { ContentCache } from '../../runtime/content-cache.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const CODE = '// trellis bundle: commonjs\nmodule.exports = { f: () => 1 };\n';

describe('runtime: environments with files', () => {
  let dir: string;
  let content: ContentCache;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trellis-envfiles-'));
    content = new ContentCache(join(dir, 'files'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const contentOf = (h: string): string | null => (content.has(h) ? content.pathOf(h) : null);

  it('refuses file lists that would write outside the folder or over the bundle, saying which entry', () => {
    const h = sha('x');
    assert.equal(envFilesProblem([{ path: 'files/data/a.json', hash: h }]), null);
    assert.match(envFilesProblem([{ path: '../escape', hash: h }])!, /"files\[0\]\.path" expects a relative path inside the environment .*got "\.\.\/escape"/);
    assert.match(envFilesProblem([{ path: '/etc/passwd', hash: h }])!, /files\[0\]\.path/);
    assert.match(envFilesProblem([{ path: 'a/./b', hash: h }])!, /files\[0\]\.path/);
    assert.match(envFilesProblem([{ path: 'bundle.cjs', hash: h }])!, /reserved/);
    assert.match(envFilesProblem([{ path: 'a', hash: h }, { path: 'a', hash: h }])!, /names "a" twice/);
    assert.match(envFilesProblem([{ path: 'a', hash: 'nope' }])!, /"files\[0\]\.hash" expects 64 hex digits/);
    assert.match(envFilesProblem('x')!, /"files" expects an array/);
  });

  it('lays out the bundle and its files in a folder named by the environment, and checks every hash', () => {
    const data = '{"v":1}';
    const files: EnvFile[] = [{ path: 'files/data/a.json', hash: sha(data) }];
    const hash = environmentHash(CODE, files);
    const store = new BundleStore({ dir: join(dir, 'envs') });
    assert.match(store.put(hash, CODE, () => new Set(), files, contentOf)!, /1 of its files did not arrive \(files\/data\/a\.json\)/);
    assert.equal(content.put(sha(data), data), null);
    assert.match(store.put(sha(CODE), CODE, () => new Set(), files, contentOf)!, /content hash mismatch/);
    assert.equal(store.put(hash, CODE, () => new Set(), files, contentOf), null);
    const path = store.pathOf(hash)!;
    assert.equal(path, join(dir, 'envs', hash, 'bundle.cjs'));
    assert.equal(readFileSync(join(dir, 'envs', hash, 'files/data/a.json'), 'utf8'), data);
    assert.deepEqual(readdirSync(join(dir, 'envs')), [hash], 'nothing half-made is left beside it');
  });

  it('evicts a folder environment whole under the cap, least recently used first', () => {
    const store = new BundleStore({ dir: join(dir, 'envs'), capacityMB: 0.00001, minIdleSeconds: 0 });
    const data = 'x'.repeat(100);
    content.put(sha(data), data);
    const files: EnvFile[] = [{ path: 'files/x.txt', hash: sha(data) }];
    const first = environmentHash(CODE, files);
    assert.equal(store.put(first, CODE, () => new Set(), files, contentOf), null);
    const code2 = `${CODE}// another\n`;
    const second = environmentHash(code2, files);
    assert.equal(store.put(second, code2, () => new Set(), files, contentOf), null);
    assert.equal(existsSync(join(dir, 'envs', first)), false, 'the older one went');
    assert.equal(store.pathOf(first), null);
    assert.ok(store.pathOf(second));
    assert.deepEqual(readdirSync(join(dir, 'envs')), [second]);
  });
});
