// `trellis status` against a real manager with real workers, the worker summary, and managers that cannot be
// reached or do not answer.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager, FunctionTask } from '../../lib/index.js';
import { workersSummary } from '../../lib/dashboard/workers-summary.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';
import { runCli } from './helpers.js';

function nap(ms: number): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}

describe('trellis status', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-status-'));
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'sesame\n');
  let manager: Manager;
  let addr: string;

  before(async () => {
    manager = new Manager({ host: '127.0.0.1', port: 0, password: 'sesame', log: false });
    addr = `127.0.0.1:${await manager.listen()}`;
    startWorker([addr, '--cores', '2', '--memory', '2000', '--disk', '5000', '--password-file', pw]);
    startWorker([addr, '--cores', '2', '--memory', '2000', '--disk', '5000', '--password-file', pw]);
    startWorker([addr, '--cores', '1', '--memory', '500', '--disk', '5000', '--password-file', pw]);
    await until(() => manager.status().workers.length === 3, 20_000, 'three workers');
    // Five long naps keep all five cores busy and one task waiting while the CLI looks.
    for (let i = 0; i < 6; i++) manager.submit(new FunctionTask(nap, 20_000).setOptions({ category: 'nap', memory: 100 }));
    await until(() => manager.status().tasks.running === 5, 20_000, 'five running tasks');
  });
  after(async () => {
    await manager.close();
    await stopAllWorkers();
  });

  it('shows workers with resources in use, tasks by state, and the summary by default', async () => {
    const r = await runCli(['status', addr, '--password-file', pw]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`at ${addr}\n3 workers; tasks 1 waiting, 5 running, 0 done`));
    assert.match(r.stdout, /^2 +2 +2000 MB +5000 MB +0 +2 +4$/m, 'two workers of 2 cores, both busy, 4 tasks');
    assert.match(r.stdout, /^1 +1 +500 MB +5000 MB/m);
    assert.match(r.stdout, /2\/2 +200\/2000 MB/);
    assert.match(r.stdout, /^waiting +1$/m);
  });

  it('--workers --json and --summary --json give the same numbers as manager.status() and workersSummary()', async () => {
    const w = await runCli(['status', addr, '--workers', '--json', '--password-file', pw]);
    assert.equal(w.code, 0, w.stderr);
    const parsed = JSON.parse(w.stdout) as { workers: { resources: { cores: number }; running: number }[] };
    assert.deepEqual(parsed.workers.map((x) => x.resources.cores).sort(), [1, 2, 2]);
    assert.equal(parsed.workers.reduce((a, x) => a + x.running, 0), 5);

    const s = await runCli(['status', addr, '--summary', '--json', '--password-file', pw]);
    const summary = (JSON.parse(s.stdout) as { summary: unknown }).summary;
    assert.deepEqual(summary, workersSummary(manager.status()));
    assert.deepEqual(summary, [
      { workers: 2, cores: 2, memory: 2000, disk: 5000, gpus: 0, busy: 2, running: 4 },
      { workers: 1, cores: 1, memory: 500, disk: 5000, gpus: 0, busy: 1, running: 1 },
    ]);
  });

  it('--tasks and --categories print only those sections', async () => {
    const r = await runCli(['status', addr, '--tasks', '--categories', '--password-file', pw]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^running +5$/m);
    assert.doesNotMatch(r.stdout, /^worker +cores/m, 'no workers table');
    assert.match(r.stdout, /per-category statistics|nap/);
  });

  it('a wrong password is refused with the reason', async () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'wrong\n');
    const r = await runCli(['status', addr, '--password-file', bad, '--timeout', '10']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`the manager at ${addr}.*authentication`, 'i'));
  });
});

describe('trellis status: managers that cannot be reached', function () {
  it('a closed port fails at once, naming the address', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await runCli(['status', `127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`trellis: cannot reach the manager at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('a server that accepts but never answers fails after --timeout, naming the address', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((sock) => { sockets.push(sock); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await runCli(['status', `127.0.0.1:${port}`, '--timeout', '1']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`the manager at 127\\.0\\.0\\.1:${port} did not answer within 1 s`));
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('bad arguments say what was expected', async () => {
    const r = await runCli(['status', 'localhost']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /expected HOST:PORT \(e\.g\. 127\.0\.0\.1:9123\), got "localhost"/);
    const t = await runCli(['status', '127.0.0.1:1', '--timeout', 'soon']);
    assert.match(t.stderr, /--timeout expects a number >= 0, got "soon"/);
  });
});
