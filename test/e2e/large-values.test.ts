// Values over the frame limit fail their own task as result-too-large and never cost the link; a worker
// gives back the memory of large results. The limit is lowered with TRELLIS_MAX_FRAME_MB so the test moves
// megabytes, not half a gigabyte.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager, FunctionTask, CommandTask, remote, type Task } from '../../lib/index.js';
import { CLI } from '../helpers/paths.js';
import { stopAllWorkers, until } from '../helpers/worker-process.js';

function text(mb: number): string {
  return 'x'.repeat(mb * 1024 * 1024);
}

function echo(s: string): number {
  return s.length;
}

function rssMb(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024;
}

describe('values over the frame limit', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-large-'));
  let manager: Manager;
  let port: number;
  const saved = process.env.TRELLIS_MAX_FRAME_MB;

  beforeEach(async () => {
    manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    port = await manager.listen();
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.TRELLIS_MAX_FRAME_MB; else process.env.TRELLIS_MAX_FRAME_MB = saved;
    await manager.close();
    await stopAllWorkers();
  });

  function worker(env: Record<string, string>): number {
    const child = spawn(process.execPath, [CLI, 'worker', `127.0.0.1:${port}`, '--cores', '1'], { stdio: 'ignore', env: { ...process.env, ...env } });
    after(() => { try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ } });
    return child.pid!;
  }

  it('a result or command output over the limit fails its task as result-too-large and the link stays', async () => {
    worker({ TRELLIS_MAX_FRAME_MB: '1' });
    await until(() => manager.status().workers.length === 1, 20_000, 'the worker');
    const linkId = manager.status().workers[0].id;
    const big = manager.submit(new FunctionTask(text, 3));
    const out = new CommandTask('head -c 3000000 /dev/zero > big.bin').addOutput('big.bin', join(dir, 'big.bin'));
    const bigOutput = manager.submit(out);
    const small = manager.submit(new FunctionTask(text, 0));
    const done = new Map<number, Task>();
    for (let t = await manager.wait(30); t; t = await manager.wait(30)) done.set(t.id, t);
    assert.equal(done.get(big)!.result, 'result-too-large');
    assert.match(done.get(big)!.error!.message, /the return value is 3\.0 MB encoded, over the 1\.0 MB frame limit/);
    assert.equal(done.get(bigOutput)!.result, 'result-too-large');
    assert.match(done.get(bigOutput)!.error!.message, /output files, stdout and stderr is 2\.9 MB encoded/);
    assert.equal(done.get(small)!.result, 'success');
    // The same link carried all three: the worker was never dropped.
    assert.deepEqual(manager.status().workers.map((w) => w.id), [linkId]);
  });

  it('arguments or an input file over the limit fail the task at submit, without a worker', async () => {
    process.env.TRELLIS_MAX_FRAME_MB = '1';
    const f = remote(echo, { manager });
    await assert.rejects(f(text(2)), (err: Error & { result?: string }) => {
      assert.equal(err.result, 'result-too-large');
      assert.match(err.message, /the arguments is 2\.0 MB encoded, over the 1\.0 MB frame limit/);
      return true;
    });
    writeFileSync(join(dir, 'in.bin'), Buffer.alloc(2 * 1024 * 1024));
    const id = manager.submit(new CommandTask('wc -c in.bin').addInput(join(dir, 'in.bin'), 'in.bin'));
    const t = await manager.wait(10);
    assert.equal(t?.id, id);
    assert.equal(t?.result, 'result-too-large');
    assert.match(t!.error!.message, /input file ".*in\.bin" is 2\.0 MB encoded/);
  });

  it('a worker gives back the memory of large results', async () => {
    const pid = worker({});
    await until(() => manager.status().workers.length === 1, 20_000, 'the worker');
    const f = remote(text, { manager });
    await f(0);
    const idle = rssMb(pid);
    for (let i = 0; i < 2; i++) assert.equal((await f(200)).length, 200 * 1024 * 1024);
    // Collected once the result is written: wait for the condition, not a time.
    await until(() => rssMb(pid) < idle + 200, 30_000, `worker RSS back within 200 MB of its idle ${idle.toFixed(0)} MB`);
  });
});
