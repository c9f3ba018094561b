// new Manager({ transactionLog, performanceLog, dashboard }), manager.map and workersSummary, end to end.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager } from '../../lib/index.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';

function cube(x: number): number {
  return x * x * x;
}

describe('manager options for logs and the dashboard', function () {
  afterEach(stopAllWorkers);

  it('writes the transaction and performance logs, serves /metrics, maps in input order, summarizes workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-obs-'));
    const manager = new Manager({ host: '127.0.0.1', port: 0, log: false, transactionLog: join(dir, 'tx.jsonl'),
      performanceLog: { path: join(dir, 'perf.jsonl'), interval: 0.2 }, dashboard: 0 });
    const port = await manager.listen();
    assert.match(manager.dashboardUrl!, /^http:\/\/127\.0\.0\.1:\d+/);
    startWorker([`127.0.0.1:${port}`, '--cores', '2']);
    startWorker([`127.0.0.1:${port}`, '--cores', '2']);
    await until(() => manager.status().workers.length === 2, 20_000, 'two workers');
    assert.deepEqual(await manager.map(cube, [3, 1, 2], { progress: false }), [27, 1, 8]);
    assert.deepEqual(manager.workersSummary().map((g) => [g.workers, g.cores]), [[2, 2]]);
    const metrics = await (await fetch(new URL('/metrics', manager.dashboardUrl!))).text();
    assert.match(metrics, /trellis_workers\S* 2/);
    // A sample of the performance log after the header.
    await until(() => readFileSync(join(dir, 'perf.jsonl'), 'utf8').trim().split('\n').length >= 2, 20_000, 'a performance sample');
    await manager.close();
    const tx = readFileSync(join(dir, 'tx.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(tx.some((r) => r.type === 'manager-start') && tx.some((r) => r.type === 'manager-end'));
    assert.equal(tx.filter((r) => r.type === 'worker-connect').length, 2);
    assert.equal(tx.filter((r) => r.type === 'task' && r.state === 'done').length, 3);
    assert.ok(readFileSync(join(dir, 'perf.jsonl'), 'utf8').trim().split('\n').length >= 2);
  });

  it('refuses an unwritable log path at once, naming it', () => {
    assert.throws(() => new Manager({ host: '127.0.0.1', port: 0, log: false, transactionLog: '/proc/no/such/dir/tx.jsonl' }), /\/proc\/no\/such\/dir\/tx\.jsonl/);
  });
});
