// Separate `trellis worker` processes on loopback: sharing a queue, losing a worker, authentication,
// bad frames, command tasks with files, and packing a big worker.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Manager, FunctionTask, CommandTask, remote, queryStatus, type Task } from '../../lib/index.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';
import { RawPeer } from '../helpers/raw-peer.js';

function nap(ms: number, tag: number): Promise<{ tag: number; pid: number }> {
  return new Promise((resolve) => setTimeout(() => resolve({ tag, pid: process.pid }), ms));
}

/** One of `n` tasks meeting in `dir`: returns once all `n` have arrived, so they all ran at the same time. */
async function meet(dir: string, i: number, n: number): Promise<number> {
  writeFileSync(join(dir, String(i)), '');
  while (readdirSync(dir).length < n) await new Promise((r) => setTimeout(r, 10));
  return i;
}

async function drain(m: Manager, timeout = 30): Promise<Task[]> {
  const out: Task[] = [];
  for (let t = await m.wait(timeout); t; t = await m.wait(timeout)) out.push(t);
  return out;
}

describe('trellis worker processes over TCP', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-test-'));
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, 'correct horse\n');
  let logs: string[];
  let manager: Manager;
  let port: number;

  beforeEach(async () => {
    logs = [];
    manager = new Manager({ host: '127.0.0.1', port: 0, password: 'correct horse', log: (l) => logs.push(l) });
    port = await manager.listen();
  });
  afterEach(async () => {
    await manager.close();
    await stopAllWorkers();
  });

  it('two workers share one queue and every task runs once', async () => {
    startWorker([`127.0.0.1:${port}`, '--cores', '2', '--password-file', pwFile]);
    startWorker([`127.0.0.1:${port}`, '--cores', '2', '--password-file', pwFile]);
    await until(() => manager.status().workers.length === 2, 20_000, 'two workers');
    for (let i = 0; i < 12; i++) manager.submit(new FunctionTask(nap, 150, i));
    const done = await drain(manager);
    assert.deepEqual(done.map((t) => (t as FunctionTask).output as { tag: number }).map((o) => o.tag).sort((a, b) => a - b),
      [...Array(12).keys()]);
    assert.equal(new Set(done.map((t) => ((t as FunctionTask).output as { pid: number }).pid)).size, 2);
  });

  it('a worker killed with SIGKILL mid-run loses nothing: every task finishes exactly once', async () => {
    const a = startWorker([`127.0.0.1:${port}`, '--cores', '2', '--password-file', pwFile]);
    startWorker([`127.0.0.1:${port}`, '--cores', '2', '--password-file', pwFile]);
    await until(() => manager.status().workers.length === 2, 20_000, 'two workers');
    const ids = new Set<number>();
    for (let i = 0; i < 16; i++) ids.add(manager.submit(new FunctionTask(nap, 300, i)));
    await until(() => manager.status().workers.every((w) => w.running > 0), 20_000, 'both workers busy');
    process.kill(a.pid, 'SIGKILL');
    const done = await drain(manager);
    assert.equal(done.length, 16);
    assert.deepEqual(new Set(done.map((t) => t.id)), ids);
    assert.ok(done.every((t) => t.result === 'success'));
    assert.ok(done.some((t) => t.lostCount === 1), 'some task was requeued after the kill');
    assert.ok(logs.some((l) => /disconnected .*task\(s\) back in the queue/.test(l)));
  });

  it('a worker killed with SIGKILL takes its running commands with it', async () => {
    const w = startWorker([`127.0.0.1:${port}`, '--cores', '1', '--password-file', pwFile]);
    manager.submit(new CommandTask('sleep 31.7'));
    const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.trim() === 'sleep 31.7');
    await until(running, 20_000, 'the command to start');
    process.kill(w.pid, 'SIGKILL');
    await until(() => !running(), 20_000, 'the command to be stopped');
  });

  it('refuses a wrong password on both sides and keeps serving', async () => {
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, 'battery staple\n');
    const bad = startWorker([`127.0.0.1:${port}`, '--password-file', wrong, '--connect-timeout', '5']);
    const code = await bad.exited;
    assert.notEqual(code, 0);
    assert.match(bad.log(), /the manager refused this worker's password/);
    assert.ok(logs.some((l) => /did not prove it knows this manager's password/.test(l)), logs.join('\n'));
    startWorker([`127.0.0.1:${port}`, '--cores', '1', '--password-file', pwFile]);
    manager.submit(new FunctionTask(nap, 1, 7));
    const [t] = await drain(manager);
    assert.equal(t.result, 'success');
  });

  it('drops a garbage or oversized frame from one peer while a worker keeps running', async () => {
    startWorker([`127.0.0.1:${port}`, '--cores', '1', '--password-file', pwFile]);
    await until(() => manager.status().workers.length === 1, 20_000, 'a worker');
    for (const payload of [Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]),
      Buffer.concat([Buffer.from([0, 0, 0, 4, 1]), Buffer.from('junk')])]) {
      const peer = await RawPeer.open(port, true);
      peer.write(payload);
      await peer.closed;
    }
    assert.ok(logs.some((l) => /bad frame: "hello" frame of \d+ bytes exceeds the maximum of \d+ bytes/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /bad frame: .*not a Trellis message/.test(l)), logs.join('\n'));
    assert.equal(manager.status().workers.length, 1);
    const r = await remote(nap, { manager })(1, 9);
    assert.equal(r.tag, 9);
  });

  it('gives tasks with GPUs distinct device ids in CUDA_VISIBLE_DEVICES', async () => {
    startWorker([`127.0.0.1:${port}`, '--cores', '4', '--gpus', '2', '--password-file', pwFile]);
    for (let i = 0; i < 2; i++) manager.submit(new CommandTask('echo $CUDA_VISIBLE_DEVICES; sleep 0.5', { gpus: 1 }));
    const done = (await drain(manager)) as CommandTask[];
    assert.deepEqual(done.map((t) => t.stdout.trim()).sort(), ['0', '1']);
    assert.deepEqual(done.map((t) => t.gpuIds.join()).sort(), ['0', '1']);
  });

  it('answers a status query over the protocol, and refuses one without the password', async () => {
    startWorker([`127.0.0.1:${port}`, '--cores', '3', '--password-file', pwFile]);
    await until(() => manager.status().workers.length === 1, 20_000, 'a worker');
    const s = await queryStatus({ host: '127.0.0.1', port, password: 'correct horse' });
    assert.equal(s.workers.length, 1);
    assert.equal(s.workers[0].resources.cores, 3);
    assert.equal(s.taskList, undefined, 'tasks are listed only when asked for');
    const id = manager.submit(new FunctionTask(nap, 1500, 1).setOptions({ category: 'naps', memory: 100 }));
    await until(() => manager.status().tasks.running === 1, 20_000, 'the task to run');
    const withTasks = await queryStatus({ host: '127.0.0.1', port, password: 'correct horse', tasks: true });
    assert.deepEqual(withTasks.taskList!.running.map((r) => [r.id, r.category, r.allocation.memory]), [[id, 'naps', 100]]);
    await drain(manager);
    const after = await queryStatus({ host: '127.0.0.1', port, password: 'correct horse', tasks: true });
    const done = after.taskList!.recent.find((r) => r.id === id)!;
    assert.equal(done.result, 'success');
    assert.ok(done.measured!.wallTime >= 1.4);
    await assert.rejects(queryStatus({ host: '127.0.0.1', port, password: 'nope' }), /authentication failed/);
  });

  it('command tasks move input files in and output files out, with exit code, stdout and stderr', async () => {
    startWorker([`127.0.0.1:${port}`, '--cores', '2', '--password-file', pwFile]);
    const input = join(dir, 'words.txt');
    writeFileSync(input, 'trellis\n'.repeat(5000));
    for (let i = 0; i < 3; i++) {
      manager.submit(new CommandTask(`gzip -c in.txt > out.gz; echo task ${i}; echo warn >&2; exit ${i}`)
        .addInput(input, 'in.txt').addOutput('out.gz', join(dir, `out${i}.gz`)));
    }
    const done = (await drain(manager)) as CommandTask[];
    assert.equal(done.length, 3);
    for (const t of done) {
      assert.equal(t.result, 'success');
      const i = Number(/task (\d)/.exec(t.stdout)![1]);
      assert.equal(t.exitCode, i);
      assert.equal(t.stderr, 'warn\n');
      assert.equal(gunzipSync(readFileSync(join(dir, `out${i}.gz`))).toString(), 'trellis\n'.repeat(5000));
    }
    const missing = new CommandTask('true').addOutput('nothing.txt', join(dir, 'nothing.txt'));
    manager.submit(missing);
    const [m] = await drain(manager);
    assert.equal(m.result, 'output-missing');
    assert.match(m.error!.message, /nothing\.txt/);
  });

  it('a --cores 64 worker runs 64 one-core tasks at once', async function () {
    startWorker([`127.0.0.1:${port}`, '--cores', '64', '--password-file', pwFile]);
    await until(() => manager.status().workers.length === 1, 20_000, 'a worker');
    // Each task waits for all 64 to have started: none can finish unless all run at once.
    const meeting = mkdtempSync(join(tmpdir(), 'trellis-meet-'));
    for (let i = 0; i < 64; i++) manager.submit(new FunctionTask(meet, meeting, i, 64).setOptions({ cores: 1 }));
    await until(() => manager.status().workers[0]?.running === 64, 20_000, 'the worker to hold all 64');
    const done = await drain(manager);
    assert.equal(done.length, 64);
    assert.ok(done.every((t) => t.result === 'success'), done.map((t) => t.error?.message).join('\n'));
    assert.deepEqual(done.map((t) => (t as FunctionTask).output as number).sort((a, b) => a - b), [...Array(64).keys()]);
  });
});
