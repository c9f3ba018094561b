// The journal across a real kill -9 of the manager's process: every task's result reaches the application
// exactly once, unfinished tasks run again, and tasks a worker kept running are adopted rather than re-run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Manager } from '../../lib/index.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { startWorker, stopAllWorkers } from '../helpers/worker-process.js';
import { freePort } from '../helpers/free-port.js';

const APP = resolve(PROJECT_ROOT, 'dist/test/helpers/journal-app.js');

function runApp(config: object): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [APP, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 90_000); // a guard against a hung run only
    child.on('exit', (code, signal) => { clearTimeout(killer); done({ code, signal, out, err }); });
  });
}

/** Task id → the lines "took <id> <result> <output>" printed for it, over all runs. */
function taken(outs: string[]): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const out of outs) {
    for (const line of out.split('\n')) {
      const [word, id, ...rest] = line.split(' ');
      if (word !== 'took') continue;
      m.set(Number(id), [...(m.get(Number(id)) ?? []), rest.join(' ')]);
    }
  }
  return m;
}

describe('the manager journal', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-journal-'));
  afterEach(stopAllWorkers);

  it('after kill -9, a manager started with the journal hands every result back exactly once', async () => {
    const journal = join(dir, 'local.journal');
    const out = join(dir, 'out.txt');
    const first = await runApp({ journal, n: 200, killAfter: 50, commandOutput: out });
    assert.equal(first.signal, 'SIGKILL', first.out + first.err);
    assert.match(first.out, /submitted 200/);
    const second = await runApp({ journal, n: 0 });
    assert.equal(second.code, 0, second.out + second.err);
    assert.match(second.out, /all taken/);
    const got = taken([first.out, second.out]);
    assert.equal(got.size, 201);
    for (let id = 1; id <= 200; id++) assert.deepEqual(got.get(id), [`success ${2 * (id - 1)}`], `task ${id}`);
    assert.deepEqual(got.get(201), ['success exit=0']);
    assert.equal(readFileSync(out, 'utf8'), 'journaled\n');
    // A third start finds nothing left: every result was taken, and the journal says so.
    const third = await runApp({ journal, n: 0 });
    assert.equal(third.code, 0, third.err);
    assert.equal(taken([third.out]).size, 0);
  });

  it('tasks a worker kept running through the kill are adopted, not run again', async () => {
    const journal = join(dir, 'tcp.journal');
    const runs = join(dir, 'runs.log');
    const port = await freePort();
    const worker = startWorker([`127.0.0.1:${port}`, '--cores', '4', '--connect-timeout', '120']);
    const first = await runApp({ journal, port, n: 12, ms: 1500, killAfter: 8, runs, restartHold: 20 });
    assert.equal(first.signal, 'SIGKILL', first.out + first.err);
    const second = await runApp({ journal, port, n: 0, restartHold: 20 });
    assert.equal(second.code, 0, second.out + second.err);
    const got = taken([first.out, second.out]);
    assert.equal(got.size, 12);
    for (let id = 1; id <= 12; id++) assert.deepEqual(got.get(id), [`success ${2 * (id - 1)}`], `task ${id}`);
    assert.match(worker.log(), /keeping \d+ running task\(s\) for the journaled manager/);
    assert.match(worker.log(), /the restarted manager adopted [1-9]\d* task\(s\)/);
    assert.match(second.err, /adopted [1-9]\d* task\(s\) that worker/);
    // Every task ran exactly once: the ones running at the kill finished on the worker and were adopted.
    const counts = new Map<string, number>();
    for (const x of readFileSync(runs, 'utf8').trim().split('\n')) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.equal(counts.size, 12);
    for (const [x, n] of counts) assert.equal(n, 1, `task with argument ${x} ran ${n} times`);
  });

  it('rejects bad journal options, naming them', () => {
    assert.throws(() => new Manager({ host: '127.0.0.1', journal: 5 as never }), /journal.*expects/);
    assert.throws(() => new Manager({ host: '127.0.0.1', journal: { path: join(dir, 'x'), every: 1 } as never }), /unknown option "every"/);
    assert.throws(() => new Manager({ host: '127.0.0.1', journal: join(dir, 'missing-dir', 'x.journal') }), /journal ".*x\.journal" cannot be used/);
    assert.ok(!existsSync(join(dir, 'missing-dir')));
  });
});
