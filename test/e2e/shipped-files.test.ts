// remote() ships what a function needs beside its code — a JSON data file, a folder of files, a native
// addon package, the application's own addon — to a `trellis worker` process over TCP whose cache
// directory is outside the project, with no node_modules anywhere above it.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Manager, remote, type ManagerEvent } from '../../lib/index.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';

const APP = join(PROJECT_ROOT, 'fixtures/files-app');

type Shipped = Record<'readConfig' | 'greet' | 'languages' | 'mask' | 'ownAddonMask', (...args: unknown[]) => Promise<unknown>>;

function nodeModulesAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return undefined;
  }
}

describe('remote() ships data files and native addons to a TCP worker', function () {
  let manager: Manager;
  let fns: Shipped;
  let cacheDir: string;
  const events: ManagerEvent[] = [];

  before(async () => {
    // The application's own addon, as node-gyp would build it: bufferutil's prebuilt one stands in.
    const addon = join(APP, 'build/Release/addon.node');
    mkdirSync(dirname(addon), { recursive: true });
    copyFileSync(join(APP, 'node_modules/bufferutil/prebuilds/linux-x64/bufferutil.node'), addon);
    cacheDir = mkdtempSync(join(tmpdir(), 'trellis-shipped-files-'));
    assert.equal(nodeModulesAbove(cacheDir), undefined, 'the worker cache must have no node_modules above it');
    manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    manager.onEvent((e) => events.push(e));
    const port = await manager.listen();
    startWorker([`127.0.0.1:${port}`, '--cores', '2', '--cache-dir', cacheDir]);
    await until(() => manager.status().workers.length === 1, 20_000, 'the worker');
    const mod = (await import(pathToFileURL(join(APP, 'src/functions.js')).href)) as { shipAll(r: typeof remote, o: object): Shipped };
    fns = mod.shipAll(remote, { manager });
  });
  after(async () => {
    await manager.close();
    await stopAllWorkers();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('a JSON data file read through new URL(..., import.meta.url)', async () => {
    assert.deepEqual(await fns.readConfig(), { greeting: 'hello', retries: 3 });
  });

  it('a folder listed at run time', async () => {
    assert.deepEqual(await fns.languages(), ['de', 'en', 'fr']);
  });

  it('a file of a folder chosen by a computed name', async () => {
    assert.equal(await fns.greet('fr'), 'bonjour');
    assert.equal(await fns.greet('de'), 'hallo');
    const e = events.find((x) => x.type === 'environment' && x.function === 'greet');
    assert.ok(e && e.type === 'environment' && e.warnings.some((w) => /src\/functions\.js:\d+:\d+: .*locale\/\*\.json/.test(w)),
      `a warning says what was globbed: ${JSON.stringify(e)}`);
  });

  it('a native addon package (node-gyp-build, prebuilt), loaded from the environment', async () => {
    assert.deepEqual(await fns.mask([1, 2, 3, 4, 5], [7, 7, 7, 7]), { masked: [6, 5, 4, 3, 2], native: true });
  });

  it("the application's own addon required by path", async () => {
    assert.deepEqual(await fns.ownAddonMask([1, 2, 3, 4], [7, 7, 7, 7]), [6, 5, 4, 3]);
  });

  it('each environment is laid out once on the worker, its files beside its bundle', async () => {
    await Promise.all([fns.readConfig(), fns.readConfig(), fns.mask([1], [1, 1, 1, 1])]);
    const envs = join(cacheDir, 'envs');
    const folders = readdirSync(envs).filter((n) => /^[0-9a-f]{64}$/.test(n));
    const withConfig = folders.filter((f) => existsSync(join(envs, f, 'files/data/cfg.json')));
    assert.equal(withConfig.length, 1);
    const withNative = folders.filter((f) => existsSync(join(envs, f, 'node_modules/bufferutil/package.json')));
    assert.equal(withNative.length, 1);
    const shipped = events.filter((e) => e.type === 'environment');
    assert.equal(new Set(shipped.map((e) => e.type === 'environment' && e.hash)).size, shipped.length, 'one event per environment');
  });
});

describe('remote(): the include option', () => {
  it('refuses what is not an array of relative globs, saying what it expects and what it got', () => {
    const f = (): number => 1;
    assert.throws(() => remote(f, { include: 'data/**' as unknown as string[] }), /option "include" expects an array of glob strings relative to the project root.*got the string "data\/\*\*"|got 'data\/\*\*'|got "data\/\*\*"/);
    assert.throws(() => remote(f, { include: ['../secrets/**'] }), /option "include" expects .*got '\.\.\/secrets\/\*\*' \(a path outside the project\)/);
    assert.throws(() => remote(f, { include: ['/etc/passwd'] }), /a path outside the project/);
    assert.throws(() => remote(f, { include: [3 as unknown as string] }), /option "include" expects an array of glob strings.*got an array holding 3/);
  });
});
