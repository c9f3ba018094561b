// Progress: a bar on a real terminal (a pty made by util-linux `script`), nothing on a pipe; and mapRemote,
// whose results come back in input order from real worker processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Manager } from '../../lib/index.js';
import { createProgress } from '../../lib/progress.js';
import { mapRemote } from '../../lib/map.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';

function collect(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  let text = '';
  const w = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } }) as Writable & { isTTY: boolean; text: () => string };
  w.isTTY = isTTY;
  w.text = () => text;
  return w;
}

/** Runs a small program on a pseudo-terminal and returns what the terminal showed. */
function onTerminal(code: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'trellis-tty-')), 'program.mjs');
  writeFileSync(file, code);
  return new Promise((resolve, reject) => {
    const cmd = `'${process.execPath}' '${file}'`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: PROJECT_ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (c) => { clearTimeout(killer); if (c === 0) resolve(out); else reject(new Error(`exit ${c}: ${out}`)); });
  });
}

function square(n: number): number {
  if (n === 13) throw new RangeError('unlucky 13');
  return n * n;
}

describe('progress', function () {
  it('stays silent when the stream is not a terminal, but still prints logged lines', () => {
    const out = collect(false);
    const p = createProgress({ label: 'packing', total: 10, stream: out });
    for (let i = 0; i < 10; i++) p.increment();
    p.log('packed 10 files');
    p.stop();
    assert.equal(p.visible, false);
    assert.equal(out.text(), 'packed 10 files\n');
  });

  it('draws a bar on a real terminal, with logged lines above it', async function () {
    if (!existsSync('/usr/bin/script')) {
      console.log('      skipped: util-linux `script` is needed to make a terminal (apt-get install util-linux)');
      this.skip();
    }
    const lib = join(PROJECT_ROOT, 'dist/lib/progress.js');
    const screen = await onTerminal(`
      const { createProgress } = await import(${JSON.stringify(lib)});
      const p = createProgress({ label: 'packing', total: 4 });
      for (let i = 0; i < 4; i++) { p.increment(); await new Promise((r) => setTimeout(r, 120)); }
      p.log('packed 4 files');
      p.stop();
      console.log('visible=' + p.visible);
    `);
    assert.match(screen, /visible=true/);
    assert.match(screen, /packing \[[█░]+\] 100% \| 4\/4/);
    assert.match(screen, /packed 4 files/);
  });

  it('trellis pack draws its bar on a terminal and prints only its result on a pipe', async function () {
    if (!existsSync('/usr/bin/script')) {
      console.log('      skipped: util-linux `script` is needed to make a terminal (apt-get install util-linux)');
      this.skip();
    }
    const cli = join(PROJECT_ROOT, 'dist/cli/main.js');
    const app = join(PROJECT_ROOT, 'fixtures/env-app/src/data-files.js');
    const out = join(mkdtempSync(join(tmpdir(), 'trellis-pack-tty-')), 'env.tar.gz');
    const args = `[${JSON.stringify(cli)}, 'pack', ${JSON.stringify(app)}, '--function', 'wordCount', '-o', ${JSON.stringify(out)}]`;
    const screen = await onTerminal(`
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(process.execPath, ${args}, { stdio: 'inherit' });
      process.exit(r.status ?? 1);
    `);
    assert.match(screen, /pack \[[█░]+\] 100% \| 4\/4/);
    const piped = await new Promise<string>((resolve) => {
      const c = spawn(process.execPath, [cli, 'pack', app, '--function', 'wordCount', '-o', out], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      c.stdout.on('data', (d: Buffer) => { text += d.toString(); });
      c.stderr.on('data', (d: Buffer) => { text += d.toString(); });
      c.on('exit', () => resolve(text));
    });
    assert.doesNotMatch(piped, /\[[█░]+\]/);
    assert.match(piped, /env\.tar\.gz: environment [0-9a-f]{64}/);
  });

  it('is off when asked, even on a terminal', () => {
    const out = collect(true);
    const p = createProgress({ label: 'x', total: 3, stream: out, enabled: false });
    p.update(3);
    p.stop();
    assert.equal(out.text(), '');
  });
});

describe('mapRemote', function () {
  let manager: Manager;
  before(async () => {
    manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    const port = await manager.listen();
    startWorker([`127.0.0.1:${port}`, '--cores', '2']);
    startWorker([`127.0.0.1:${port}`, '--cores', '1']);
    await until(() => manager.status().workers.length === 2, 20_000, 'two workers');
  });
  after(async () => {
    await manager.close();
    await stopAllWorkers();
  });

  it('returns fn(input) for every input in input order, with a bar only on a terminal', async () => {
    const out = collect(false);
    const inputs = Array.from({ length: 40 }, (_, i) => 40 - i).filter((n) => n !== 13);
    const results = await mapRemote(manager, square, inputs, { category: 'squares', progressStream: out });
    assert.deepEqual(results, inputs.map((n) => n * n));
    assert.equal(out.text(), '');
    const viaSet = await mapRemote(manager, square, new Set([3, 1, 2]));
    assert.deepEqual(viaSet, [9, 1, 4]);
  });

  it('rejects with the remote error of a failing input', async () => {
    await assert.rejects(mapRemote(manager, square, [1, 13, 2], { progress: false }), (err: Error) => {
      assert.equal(err.name, 'RangeError');
      assert.equal(err.message, 'unlucky 13');
      return true;
    });
  });

  it('refuses inputs that are not iterable and bad task options, saying what was expected', async () => {
    await assert.rejects(mapRemote(manager, square, 5 as unknown as number[]), /map: inputs expects an array or another iterable, got 5/);
    await assert.rejects(mapRemote(manager, square, [1], { cores: -1 }), /option "cores" expects a number >= 0, got -1/);
  });
});
