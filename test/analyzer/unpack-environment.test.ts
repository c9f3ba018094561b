// Unpacking: once per folder even when runs race, and never a truncated or altered archive.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { create, extract } from 'tar';
import { AnalyzerError } from '../../analyzer/errors.js';
import { packEnvironment, type PackResult } from '../../analyzer/pack-environment.js';
import { unpackEnvironment } from '../../analyzer/unpack-environment.js';
import { envApp } from './env-support.js';
import { freshDir, projectRoot, removeDir } from './support.js';

const run = promisify(execFile);

describe('analyzer: unpacking environments', () => {
  const dirs: string[] = [];
  let packed: PackResult;
  let work: string;
  const dir = (prefix: string): string => {
    const d = freshDir(prefix);
    dirs.push(d);
    return d;
  };

  before(async () => {
    work = dir('unpack-src');
    packed = await packEnvironment({ file: join(envApp, 'src/data-files.js'), functionName: 'wordCount', out: join(work, 'env.tar.gz') });
  });
  after(() => dirs.forEach(removeDir));

  async function refuses(archive: string, pattern: RegExp): Promise<string> {
    const cache = dir('unpack-cache');
    await assert.rejects(unpackEnvironment(archive, { cacheDir: cache }), (err: unknown) => {
      assert.ok(err instanceof AnalyzerError);
      assert.equal(err.code, 'TRELLIS_BAD_ARCHIVE');
      assert.match(err.message, pattern);
      return true;
    });
    return cache;
  }

  /** Rewrites the archive after `change` edits its unpacked files. */
  async function altered(name: string, change: (d: string) => void): Promise<string> {
    const d = dir('alter');
    await extract({ file: packed.out, cwd: d });
    change(d);
    const files = readdirSync(d, { recursive: true, withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => join(e.parentPath, e.name).slice(d.length + 1));
    const out = join(work, name);
    await create({ file: out, cwd: d, gzip: true, portable: true }, files);
    return out;
  }

  it('unpacks into <cache>/<hash>, then reuses it', async () => {
    const cache = dir('unpack-cache');
    const first = await unpackEnvironment(packed.out, { cacheDir: cache });
    assert.equal(first.dir, join(cache, packed.hash));
    assert.equal(first.unpacked, true);
    assert.ok(existsSync(join(first.dir, 'bundle.mjs')));
    assert.ok(existsSync(join(first.dir, 'files/data/words.txt')));
    const second = await unpackEnvironment(packed.out, { cacheDir: cache });
    assert.equal(second.unpacked, false);
    assert.equal(second.dir, first.dir);
  });

  it('unpacks once when several unpackers race in one process', async () => {
    const cache = dir('unpack-race');
    const results = await Promise.all([1, 2, 3, 4].map(() => unpackEnvironment(packed.out, { cacheDir: cache })));
    assert.equal(results.filter((r) => r.unpacked).length, 1);
    assert.deepEqual(readdirSync(cache).sort(), [packed.hash]);
  });

  it('unpacks once when several processes race', async () => {
    const cache = dir('unpack-procs');
    const module = join(projectRoot, 'dist/analyzer/unpack-environment.js');
    const script = `const { unpackEnvironment } = await import(${JSON.stringify(module)});
      const r = await unpackEnvironment(process.argv[1], { cacheDir: process.argv[2] }); console.log(r.unpacked);`;
    const outs = await Promise.all(
      [1, 2, 3].map(() => run(process.execPath, ['--input-type=module', '-e', script, packed.out, cache])),
    );
    assert.deepEqual(outs.map((o) => o.stdout.trim()).sort(), ['false', 'false', 'true']);
  });

  it('refuses a truncated archive and leaves nothing behind', async () => {
    const cut = join(work, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(packed.out));
    truncateSync(cut, Math.floor(packed.bytes / 2));
    const cache = await refuses(cut, /cut\.tar\.gz: truncated or corrupt/);
    assert.deepEqual(readdirSync(cache), []);
  });

  it('refuses a file whose sha256 differs from the manifest, naming it', async () => {
    const bad = await altered('tampered.tar.gz', (d) => writeFileSync(join(d, 'bundle.mjs'), 'export const __trellis_fn = () => "evil";\n'));
    const cache = await refuses(bad, /bundle\.mjs: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; refusing it/);
    assert.deepEqual(readdirSync(cache).filter((f) => !f.endsWith('.lock')), []);
  });

  it('refuses a manifest edited without its hash, an unlisted file, and a missing file', async () => {
    const edited = await altered('manifest.tar.gz', (d) => {
      const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as { node: string };
      m.node = '>=0';
      writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    });
    await refuses(edited, /its manifest says hash [0-9a-f]+ but its contents hash to [0-9a-f]+/);
    const extra = await altered('extra.tar.gz', (d) => writeFileSync(join(d, 'extra.js'), '1'));
    await refuses(extra, /it holds extra\.js, which its manifest does not list/);
    const missing = await altered('missing.tar.gz', (d) => removeDir(join(d, 'files')));
    await refuses(missing, /files listed in its manifest are missing: files\/data\/words\.txt/);
  });

  it('refuses links inside the archive', async () => {
    const linked = await altered('link.tar.gz', (d) => symlinkSync('/etc/passwd', join(d, 'files', 'passwd')));
    await refuses(linked, /neither files nor folders: files\/passwd/);
  });

  it('refuses something that is not an environment', async () => {
    const d = dir('not-env');
    writeFileSync(join(d, 'a.txt'), 'a');
    const out = join(work, 'plain.tar.gz');
    await create({ file: out, cwd: d, gzip: true }, ['a.txt']);
    await refuses(out, /no manifest\.json in it: not a trellis environment/);
    await refuses(join(work, 'nowhere.tar.gz'), /nowhere\.tar\.gz: no such file/);
  });

  it('unpacks into a chosen folder only when it is missing, empty or holds the same environment', async () => {
    const target = join(dir('into'), 'env');
    assert.equal((await unpackEnvironment(packed.out, { into: target })).unpacked, true);
    assert.equal((await unpackEnvironment(packed.out, { into: target })).unpacked, false);
    const busy = dir('busy');
    mkdirSync(join(busy, 'stuff'));
    await assert.rejects(unpackEnvironment(packed.out, { into: busy }), /expected a missing or empty folder, got one with other files/);
  });
});
