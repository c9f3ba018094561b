// JX queries where the data is: `trellis status --where/--select` evaluated by a running manager (real worker
// processes), and `trellis query LOG` over the transaction log that manager wrote.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager, FunctionTask } from '../../lib/index.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';
import { runWithInput } from './cli-process.js';

function check(n: number): number {
  if (n % 3 === 0) throw new Error(`${n} is a multiple of 3`);
  return n;
}

describe('JX queries: status --where/--select and query LOG', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-query-'));
  const log = join(dir, 'transactions.jsonl');
  let manager: Manager;
  let addr: string;

  before(async function () {
    manager = new Manager({ host: '127.0.0.1', port: 0, log: false, transactionLog: log });
    addr = `127.0.0.1:${await manager.listen()}`;
    startWorker([addr, '--cores', '2', '--memory', '1000', '--disk', '5000']);
    await until(() => manager.status().workers.length === 1, 20_000, 'one worker');
    const calls = [1, 2, 3, 4, 5, 6].map((n) => manager.submit(new FunctionTask(check, n).setOptions({ category: n % 2 ? 'odd' : 'even' })));
    for (let i = 0; i < calls.length; i++) await manager.wait();
  });
  after(async function () {
    await manager.close();
    await stopAllWorkers();
  });

  it('status --select is evaluated by the manager on workers, categories and tasks', async function () {
    const r = await runWithInput(['status', addr, '--select', 'tasks.select(result=="exception").project(category)'], '');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as string[]).sort(), ['even', 'odd']);
    const c = await runWithInput(['status', addr, '--select', '{"cores": workers.project(resources.cores), "done": counts.done, "categories": categories.project(name)}'], '');
    assert.equal(c.code, 0, c.stderr);
    const v = JSON.parse(c.stdout) as { cores: number[]; done: number; categories: string[] };
    assert.deepEqual(v.cores, [2]);
    assert.equal(v.done, 6);
    assert.deepEqual(v.categories.sort(), ['even', 'odd']);
  });

  it('status --where keeps only the matching records', async function () {
    // A record the condition cannot be evaluated on (no such field) does not match.
    const r = await runWithInput(['status', addr, '--where', 'category == "odd"', '--json'], '');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { workers: unknown[]; categories: { name: string }[]; taskList: { recent: { category: string }[] } };
    assert.deepEqual(s.workers, []);
    assert.deepEqual(s.categories, []);
    assert.equal(s.taskList.recent.length, 3);
    assert.ok(s.taskList.recent.every((t) => t.category === 'odd'));
    const c = await runWithInput(['status', addr, '--where', 'name == "odd" and done == 3', '--categories', '--json'], '');
    assert.deepEqual((JSON.parse(c.stdout) as { categories: { name: string }[] }).categories.map((x) => x.name), ['odd']);
  });

  it('a query that fails or goes over its bounds is answered with the error; the manager keeps running', async function () {
    const r = await runWithInput(['status', addr, '--select', 'range(100000000).len()'], '');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /could not answer the query: 1:1: evaluation stopped: .*size limit/);
    const e = await runWithInput(['status', addr, '--select', 'workers[5]'], '');
    assert.match(e.stderr, /1:8: range error: index 5 is outside a list of length 1\n {2}workers\[5\]\n {9}\^/);
    const bad = await runWithInput(['status', addr, '--where', 'category =='], '');
    assert.match(bad.stderr, /--where expects a JX expression: 1:12: expected a value, got the end of the input/);
    const ok = await runWithInput(['status', addr, '--select', 'counts.done'], '');
    assert.equal(ok.stdout, '6\n');
  });

  it('query LOG answers questions over a transaction log', async function () {
    await manager.close();
    const r = await runWithInput(['query', log, 'tasks.select(result=="exception").project(category)'], '');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as string[]).sort(), ['even', 'odd']);
    const w = await runWithInput(['query', log, '[t.worker != null for t in tasks].len() == tasks.len() and workers.len() == 1 and manager.end != null'], '');
    assert.equal(w.stdout, 'true\n', w.stderr);
    const bad = await runWithInput(['query', log, 'tasks.select(nope)'], '');
    assert.match(bad.stderr, /1:14: undefined symbol nope/);
    const missing = await runWithInput(['query', join(dir, 'nope.log'), 'tasks'], '');
    assert.match(missing.stderr, /cannot read log/);
  });
});
