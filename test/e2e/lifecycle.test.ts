// Process lifecycles a user relies on: an application exits by itself when done; workers exit when idle or
// when the manager cannot be reached, saying why.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Manager } from '../../lib/index.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';
import { freePort } from '../helpers/free-port.js';

function run(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 30_000);
    child.on('exit', (code) => { clearTimeout(killer); resolve({ code, out }); });
  });
}

describe('process lifecycles', function () {
  afterEach(stopAllWorkers);

  it('an application using remote() with the embedded pool exits by itself when done', async () => {
    const { code, out } = await run(join(PROJECT_ROOT, 'fixtures/exits-by-itself/app.mjs'));
    assert.equal(code, 0, out);
    assert.match(out, /squares 1,4,9/);
  });

  it('a worker that cannot reach its manager gives up after --connect-timeout, naming the address', async () => {
    const port = await freePort();
    const w = startWorker([`127.0.0.1:${port}`, '--connect-timeout', '1']);
    assert.equal(await w.exited, 1);
    assert.match(w.log(), new RegExp(`could not reach the manager at 127\\.0\\.0\\.1:${port} within 1 s`));
  });

  it('a worker exits after --idle-timeout without tasks and the manager forgets it', async () => {
    const manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    const port = await manager.listen();
    const w = startWorker([`127.0.0.1:${port}`, '--idle-timeout', '1']);
    await until(() => manager.status().workers.length === 1, 20_000, 'the worker');
    assert.equal(await w.exited, 0);
    assert.match(w.log(), /exiting: idle for 1 s/);
    await until(() => manager.status().workers.length === 0, 20_000, 'the manager to drop the worker');
    await manager.close();
  });

  it('rejects bad worker flags, naming the flag and the value', async () => {
    const w = startWorker(['127.0.0.1:1', '--cores', 'many']);
    assert.notEqual(await w.exited, 0);
    assert.match(w.log(), /--cores expects a number >= 0, got "many"/);
    const v = startWorker(['localhost']);
    assert.notEqual(await v.exited, 0);
    assert.match(v.log(), /expected HOST:PORT \(e\.g\. 127\.0\.0\.1:9123\), got "localhost"/);
    const c = startWorker(['127.0.0.1:1', '--cache-size', '0']);
    assert.notEqual(await c.exited, 0);
    assert.match(c.log(), /--cache-size expects a number > 0, got "0"/);
  });
});
