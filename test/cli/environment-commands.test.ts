// `trellis analyze | pack | run` as a user runs them: output, exit codes, errors on stderr,
// deterministic archives, and specs with hand-added git, http and data entries.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { create } from 'tar';
import { validateSpec, type EnvironmentSpec } from '../../analyzer/environment-spec.js';
import { CLI } from '../helpers/paths.js';
import { envApp, localFunction } from '../analyzer/env-support.js';
import { freshDir, removeDir, writeTree } from '../analyzer/support.js';

const exec = promisify(execFile);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function trellis(args: string[], cwd = envApp): Promise<Ran> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NODE_PATH: '' }, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// Imports the environment's bundle and prints what its export returns for the JSON arguments.
const CALL = `const m = await import(process.env.TRELLIS_ENV_ENTRY);
const r = await m[process.env.TRELLIS_ENV_EXPORT](...JSON.parse(process.argv[1]));
console.log(JSON.stringify(r));`;

describe('cli: trellis analyze, pack, run', () => {
  const dirs: string[] = [];
  const dir = (prefix: string): string => {
    const d = freshDir(prefix);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach(removeDir));

  it('analyze --json prints a valid spec', async () => {
    const r = await trellis(['analyze', 'src/native.js', '--function', 'maskBytes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const spec = validateSpec(JSON.parse(r.stdout), 'stdout');
    assert.deepEqual(spec.function, { module: 'src/native.js', export: 'maskBytes' });
    assert.deepEqual(spec.native, { bufferutil: '4.1.0' });
  });

  it('analyze prints a readable summary with warnings', async () => {
    const r = await trellis(['analyze', 'src/dynamic.js']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^module src\/dynamic\.js \(project root .*env-app\)$/m);
    assert.match(r.stdout, /^local {5}src\/dynamic\.js$/m);
    assert.match(r.stdout, /^warning: src\/dynamic\.js:3:10: import\(\) of `\.\/plugins\/\$\{name\}\.js` is only partly known/m);
  });

  it('bad input: exit 1 and one line on stderr saying what and where', async () => {
    const missing = await trellis(['analyze', 'src/nope.js']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^trellis: analyze: no such file: .*src\/nope\.js/);
    const noFn = await trellis(['analyze', 'src/commonjs.cjs', '--function', 'hours']);
    assert.match(noFn.stderr, /no function named 'hours' in .*commonjs\.cjs; functions found there: toMilliseconds, spelledOut/);
    const out = dir('bad');
    writeFileSync(join(out, 'broken.js'), 'export function f() {\n  return 1 +;\n}\n');
    const syntax = await trellis(['analyze', join(out, 'broken.js'), '--function', 'f']);
    assert.match(syntax.stderr, /^trellis: analyze: cannot parse .*broken\.js:2:13 as/);
    const noOut = await trellis(['pack', 'src/native.js']);
    assert.equal(noOut.code, 1);
    assert.match(noOut.stderr, /required option '-o, --output <archive>' not specified/);
  });

  it('pack, then run: the function gives its local result from the unpacked environment', async () => {
    const out = dir('cli-pack');
    for (const [file, name, args] of [
      ['src/data-dirname.cjs', 'greet', ['Grace']],
      ['src/native.js', 'maskBytes', [[5, 6, 7], [1, 2, 3, 4]]],
    ] as const) {
      const archive = join(out, `${name}.tar.gz`);
      const packed = await trellis(['pack', file, '--function', name, '-o', archive, '--json']);
      assert.equal(packed.code, 0, packed.stderr);
      assert.match((JSON.parse(packed.stdout) as { hash: string }).hash, /^[0-9a-f]{64}$/);
      const ran = await trellis(['run', '-e', archive, '--unpack-to', join(out, `${name}-env`), '--', process.execPath, '--input-type=module', '-e', CALL, JSON.stringify(args)], out);
      assert.equal(ran.code, 0, ran.stderr);
      const local = await localFunction(join(envApp, file), name);
      assert.deepEqual(JSON.parse(ran.stdout), await local(...args));
    }
  });

  it('run passes the exit code through and refuses a truncated archive', async () => {
    const out = dir('cli-run');
    const archive = join(out, 'env.tar.gz');
    assert.equal((await trellis(['pack', 'src/esm-only.js', '--function', 'idFrom', '-o', archive])).code, 0);
    const cache = join(out, 'cache');
    const three = await trellis(['run', '-e', archive, '--cache-dir', cache, '--', 'sh', '-c', 'test -f "$TRELLIS_ENV_ENTRY" && exit 3']);
    assert.equal(three.code, 3);
    const cut = join(out, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(archive).subarray(0, 300));
    const refused = await trellis(['run', '-e', cut, '--cache-dir', cache, '--', 'true']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^trellis: run: environment archive .*cut\.tar\.gz: truncated or corrupt/);
  });

  it('concurrent runs on one node share one unpacked environment', async () => {
    const out = dir('cli-concurrent');
    const archive = join(out, 'env.tar.gz');
    assert.equal((await trellis(['pack', 'src/json-import.js', '--function', 'elementName', '-o', archive])).code, 0);
    const runs = await Promise.all(
      [1, 2, 3].map(() => trellis(['run', '-e', archive, '--cache-dir', join(out, 'cache'), '--', process.execPath, '--input-type=module', '-e', CALL, '["li"]'], out)),
    );
    for (const r of runs) assert.deepEqual([r.code, r.stdout.trim()], [0, '"lithium"'], r.stderr);
  });

  it('packs the same bytes twice, and the same hash from a copy of the project elsewhere', async () => {
    const out = dir('cli-same');
    const a = join(out, 'a.tar.gz');
    const b = join(out, 'b.tar.gz');
    const c = join(out, 'c.tar.gz');
    assert.equal((await trellis(['pack', 'src/data-files.js', '--function', 'wordCount', '-o', a])).code, 0);
    assert.equal((await trellis(['pack', join(envApp, 'src/data-files.js'), '--function', 'wordCount', '-o', b], out)).code, 0);
    assert.ok(readFileSync(a).equals(readFileSync(b)), 'two packs of the same function differ');
    const copy = join(out, 'copy');
    cpSync(envApp, copy, { recursive: true });
    const packed = await trellis(['pack', 'src/data-files.js', '--function', 'wordCount', '-o', c, '--json'], copy);
    const first = await trellis(['pack', 'src/data-files.js', '--function', 'wordCount', '-o', a, '--json']);
    assert.equal((JSON.parse(packed.stdout) as { hash: string }).hash, (JSON.parse(first.stdout) as { hash: string }).hash);
    assert.ok(readFileSync(a).equals(readFileSync(c)), 'the copy packs other bytes');
  });

  describe('a spec with hand-added git, http and data entries', () => {
    let server: Server;
    let base: string;
    let app: string;
    let repo: string;

    before(async () => {
      const served = dir('served');
      writeFileSync(join(served, 'inner.txt'), 'from the tarball\n');
      const tarball = join(served, 'models.tar.gz');
      await create({ file: tarball, cwd: served, gzip: true, portable: true }, ['inner.txt']);
      const files: Record<string, Buffer> = { '/note.txt': Buffer.from('a note over http\n'), '/models.tar.gz': readFileSync(tarball) };
      server = createServer((req, res) => {
        const body = files[req.url ?? ''];
        res.writeHead(body ? 200 : 404).end(body ?? 'not found');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      repo = dir('repo');
      const git = (...args: string[]) => exec('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
      await git('init', '--quiet', '--initial-branch=main');
      writeFileSync(join(repo, 'README.md'), 'version one\n');
      await git('add', 'README.md');
      await git('commit', '--quiet', '-m', 'one');
      await git('tag', 'v1');
      writeFileSync(join(repo, 'README.md'), 'version two\n');
      await git('commit', '--quiet', '-am', 'two');

      app = writeTree('spec-app', {
        'package.json': '{"name":"spec-app","type":"module"}',
        'src/app.js': [
          "import { readFileSync } from 'node:fs';",
          "import { dirname, join } from 'node:path';",
          "import { fileURLToPath } from 'node:url';",
          '',
          '/** Reads what the spec brought: a git checkout, an http file, an unpacked tarball, a data file found by name. */',
          'export function sources(name) {',
          '  const here = dirname(fileURLToPath(import.meta.url));',
          '  return {',
          "    repo: readFileSync(join(process.env.REPO, 'README.md'), 'utf8'),",
          "    note: readFileSync(process.env.NOTE, 'utf8'),",
          "    model: readFileSync(join(process.env.MODELS, 'inner.txt'), 'utf8'),",
          "    extra: readFileSync(join(here, '..', 'extra', name), 'utf8'),",
          '  };',
          '}',
        ].join('\n'),
        'extra/by-name.txt': 'found by a computed name\n',
      });
      dirs.push(app);
    });
    after(() => server.close());

    it('clones, fetches, copies and exposes each entry through its variable', async () => {
      const analyzed = await trellis(['analyze', 'src/app.js', '--function', 'sources', '--json'], app);
      assert.equal(analyzed.code, 0, analyzed.stderr);
      const spec = JSON.parse(analyzed.stdout) as EnvironmentSpec;
      spec.git = { REPO: { remote: repo, ref: 'v1' } };
      spec.http = { NOTE: { type: 'file', url: `${base}/note.txt` }, MODELS: { type: 'tar', url: `${base}/models.tar.gz` } };
      spec.data = ['extra'];
      writeFileSync(join(app, 'env.json'), JSON.stringify(spec, null, 2));
      const archive = join(app, 'env.tar.gz');
      const packed = await trellis(['pack', 'env.json', '-o', archive], app);
      assert.equal(packed.code, 0, packed.stderr);
      const ran = await trellis(['run', '-e', archive, '--unpack-to', join(dir('spec-run'), 'env'), '--', process.execPath, '--input-type=module', '-e', CALL, '["by-name.txt"]'], app);
      assert.equal(ran.code, 0, ran.stderr);
      assert.deepEqual(JSON.parse(ran.stdout), {
        repo: 'version one\n',
        note: 'a note over http\n',
        model: 'from the tarball\n',
        extra: 'found by a computed name\n',
      });
    });

    it('refuses to run on a Node outside the spec\'s range', async () => {
      writeFileSync(join(app, 'old.json'), JSON.stringify({ function: { module: 'src/app.js', export: 'sources' }, node: '>=99' }));
      const archive = join(app, 'old.tar.gz');
      assert.equal((await trellis(['pack', 'old.json', '-o', archive], app)).code, 0);
      const ran = await trellis(['run', '-e', archive, '--cache-dir', join(app, 'cache'), '--', 'true'], app);
      assert.equal(ran.code, 1);
      assert.match(ran.stderr, /needs Node >=99, but this is Node 20\./);
    });
  });
});
