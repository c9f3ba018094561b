// A task bigger than every connected worker: a warning while it waits for a larger one, then
// resource-exhaustion naming what it asked for and the largest worker; a larger worker in time runs it.
import assert from 'node:assert/strict';
import { Manager, FunctionTask, CommandTask, type Task } from '../../lib/index.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';

function hello(): string {
  return 'hello';
}

describe('tasks that fit on no worker', function () {
  let manager: Manager;
  let port: number;
  let logs: string[];

  beforeEach(async () => {
    logs = [];
    manager = new Manager({ host: '127.0.0.1', port: 0, log: (l) => logs.push(l) });
    port = await manager.listen();
  });
  afterEach(async () => {
    await manager.close();
    await stopAllWorkers();
  });

  it('end resource-exhaustion after the grace period, naming the request and the largest worker', async () => {
    manager.tune('fit-grace', 0.5);
    startWorker([`127.0.0.1:${port}`, '--cores', '1', '--memory', '1000']);
    await until(() => manager.status().workers.length === 1, 20_000, 'the worker');
    const big = manager.submit(new FunctionTask(hello).setOptions({ cores: 64 }));
    const huge = manager.submit(new CommandTask('true', { memory: 1e9 }));
    const small = manager.submit(new FunctionTask(hello));
    const done = new Map<number, Task>();
    for (let t = await manager.wait(30); t; t = await manager.wait(30)) done.set(t.id, t);
    assert.equal(done.get(small)!.result, 'success');
    for (const [id, want] of [[big, /cores=64 memory=\d+MB/], [huge, /memory=1000000000MB/]] as const) {
      const t = done.get(id)!;
      assert.equal(t.result, 'resource-exhaustion');
      assert.match(t.error!.message, want);
      assert.match(t.error!.message, /the largest, \S+, has cores=1 memory=1000MB/);
      assert.match(t.error!.message, /"fit-grace"/);
    }
    assert.ok(logs.some((l) => /task \d+ needs cores=64 .*more than any connected worker has/.test(l)), logs.join('\n'));
  });

  it('wait with a status warning, and run once a larger worker connects within the grace period', async () => {
    manager.tune('fit-grace', 600);
    startWorker([`127.0.0.1:${port}`, '--cores', '1']);
    await until(() => manager.status().workers.length === 1, 20_000, 'the worker');
    const id = manager.submit(new FunctionTask(hello).setOptions({ cores: 3 }));
    await until(() => manager.status().warnings.length === 1, 20_000, 'a status warning');
    assert.match(manager.status().warnings[0], /1 task\(s\) need cores=3 .*more than any connected worker has .*end resource-exhaustion in/);
    startWorker([`127.0.0.1:${port}`, '--cores', '4']);
    const t = await manager.wait(60);
    assert.equal(t?.id, id);
    assert.equal(t?.result, 'success');
    assert.deepEqual(manager.status().warnings, []);
  });

  it('keep waiting while no worker is connected at all', async () => {
    manager.tune('fit-grace', 0);
    const id = manager.submit(new FunctionTask(hello).setOptions({ cores: 2 }));
    assert.equal(await manager.wait(0.5), null);
    startWorker([`127.0.0.1:${port}`, '--cores', '2']);
    const t = await manager.wait(60);
    assert.equal(t?.id, id);
    assert.equal(t?.result, 'success');
  });
});
