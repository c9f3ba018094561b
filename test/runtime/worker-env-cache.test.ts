// A worker's environment cache: bundles verified and kept by hash under a size cap (least recently
// used go first, and the manager sends an evicted one again when a task needs it), a copy that does
// not hash right is refused and its tasks fail without running it, and the V8 compile cache kept
// next to each bundle is taken up by the next worker process on the node.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Manager, remote } from '../../lib/index.js';
import { Worker } from '../../runtime/worker.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';
import { PROJECT_ROOT } from '../helpers/paths.js';

function square(x: number): number {
  return x * x;
}

function greeting(name: string): string {
  return `hello ${name}`;
}

function exitThread(): void {
  process.exit(3);
}

function whereAmI(): string {
  return import.meta.url;
}

const bundlesIn = (dir: string): string[] => readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.(cjs|mjs)$/.test(f)).sort();

describe('the worker environment cache', function () {
  this.timeout(60_000);
  let manager: Manager;
  let port: number;
  let worker: Worker | null = null;
  let running: Promise<string> | null = null;
  let cacheDir: string;

  beforeEach(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'trellis-envcache-'));
    manager = new Manager({ host: '127.0.0.1', port: 0, password: 'pw', log: false });
    port = await manager.listen();
  });
  afterEach(async () => {
    await manager.close();
    if (worker) worker.stop('test over');
    await running;
    worker = null;
    running = null;
    await stopAllWorkers();
  });

  async function startInProcess(cacheSize: number): Promise<void> {
    worker = new Worker({ host: '127.0.0.1', port, password: 'pw', cores: 1, cacheDir, cacheSize, cacheMinIdle: 0, log: false });
    running = worker.run();
    await until(() => manager.status().workers.length === 1, 20_000, 'the worker');
  }

  it('keeps environments under --cache-size, least recently used out first, and gets an evicted one again', async () => {
    await startInProcess(0.001); // 1 KB: smaller than any bundle, so only the one in use stays
    const envs = join(cacheDir, 'envs');
    const sq = remote(square, { manager });
    const hi = remote(greeting, { manager });
    assert.equal(await sq(7), 49);
    const [first] = bundlesIn(envs);
    assert.ok(first, 'the first bundle is on disk');
    assert.equal(await hi('ada'), 'hello ada');
    const afterSecond = bundlesIn(envs);
    assert.equal(afterSecond.length, 1, `one bundle left, got ${afterSecond.join(', ')}`);
    assert.notEqual(afterSecond[0], first, 'the least recently used one went');
    // The manager sent square's bundle already; the worker asks for it again and runs the call.
    assert.equal(await sq(8), 64);
    assert.deepEqual(bundlesIn(envs), [first]);
  });

  it('gets a bundle again that another process removed from the shared cache behind its back', async () => {
    await startInProcess(1000);
    const envs = join(cacheDir, 'envs');
    const sq = remote(square, { manager });
    const crash = remote(exitThread, { manager });
    assert.equal(await sq(5), 25);
    const [bundle] = bundlesIn(envs);
    // A new thread must load the bundle from disk: kill the one that has it.
    await assert.rejects(crash(), /thread/);
    for (const f of readdirSync(envs).filter((n) => n.startsWith(bundle.slice(0, 64)))) rmSync(join(envs, f));
    assert.equal(await sq(6), 36);
    assert.ok(bundlesIn(envs).includes(bundle), 'fetched and stored again');
  });

  it('refuses a copy whose bytes do not hash to its name and fails the task without running it', async () => {
    await startInProcess(0.001);
    const envs = join(cacheDir, 'envs');
    const sq = remote(square, { manager });
    const hi = remote(greeting, { manager });
    assert.equal(await sq(3), 9);
    const [bundle] = bundlesIn(envs);
    const hash = bundle.slice(0, 64);
    assert.equal(await hi('bo'), 'hello bo'); // square's bundle is evicted now
    // The manager's copy goes bad (as a corrupted transfer would): the worker must not run it.
    const core = (manager as unknown as { core: { envs: Map<string, { code: string; files: [] }> } }).core;
    core.envs.set(hash, { code: 'module.exports = { __trellis_fn: () => "tampered code ran" };', files: [] });
    await assert.rejects(sq(4), (err: Error & { result?: string }) => {
      assert.match(err.message, /did not arrive intact.*content hash mismatch.*its code was not run/s);
      return true;
    });
    assert.ok(!bundlesIn(envs).includes(bundle), 'the bad copy was not kept');
  });

  it('writes a V8 compile cache next to a bundle, and the next worker process on the node loads it', async () => {
    const pw = join(cacheDir, 'pw');
    writeFileSync(pw, 'pw\n');
    const envs = join(cacheDir, 'envs');
    const where = remote(whereAmI, { manager });
    const a = startWorker([`127.0.0.1:${port}`, '--cores', '1', '--password-file', pw, '--cache-dir', cacheDir]);
    await until(() => manager.status().workers.length === 1, 20_000, 'the first worker');
    const url = await where();
    const [bundle] = bundlesIn(envs);
    // import.meta.url names the module's place in the environment (files/<its project path>), beside the bundle.
    assert.equal(url, `file://${join(envs, 'files', relative(PROJECT_ROOT, fileURLToPath(import.meta.url)))}`);
    const caches = readdirSync(envs).filter((f) => f.startsWith(bundle) && f.endsWith('.cache'));
    assert.equal(caches.length, 1, `one compile cache next to the bundle, got ${readdirSync(envs).join(', ')}`);
    const cache = join(envs, caches[0]);
    const before = statSync(cache);
    assert.ok(before.size > 0);
    process.kill(a.pid, 'SIGTERM');
    await a.exited;
    await until(() => manager.status().workers.length === 0, 20_000, 'the first worker gone');

    startWorker([`127.0.0.1:${port}`, '--cores', '1', '--password-file', pw, '--cache-dir', cacheDir]);
    await until(() => manager.status().workers.length === 1, 20_000, 'the second worker');
    assert.equal(await where(), url);
    const after = statSync(cache);
    // V8 took the data: a rejected cache would have been written anew.
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.equal(after.ino, before.ino);
  });
});
