// Transaction and performance logs from a real manager with real worker processes; bad log paths; logs at
// scale (written through the real writer, read back in bounded memory); files that are not Trellis logs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager, FunctionTask, type Task } from '../../lib/index.js';
import { attachTransactionLog } from '../../lib/logs/transaction-log.js';
import { attachPerformanceLog } from '../../lib/logs/performance-log.js';
import { reportFromLogs } from '../../lib/dashboard/plot-log.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';
import { writeSyntheticLog, CATEGORIES } from './synthetic-events.js';
import { runCli } from './helpers.js';

function nap(ms: number): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function drain(m: Manager): Promise<Task[]> {
  const out: Task[] = [];
  for (let t = await m.wait(30); t; t = await m.wait(30)) out.push(t);
  return out;
}

describe('transaction and performance logs', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-logs-'));
  afterEach(stopAllWorkers);

  it('record a real run: manager start/end, workers with the disconnect reason, every task state with allocation and measurement', async () => {
    const manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    const tx = attachTransactionLog(manager, join(dir, 'tx.jsonl'));
    const perf = attachPerformanceLog(manager, join(dir, 'perf.jsonl'), 0.2);
    const port = await manager.listen();
    const w = startWorker([`127.0.0.1:${port}`, '--cores', '2', '--memory', '1000']);
    await until(() => manager.status().workers.length === 1, 20_000, 'a worker');
    for (let i = 0; i < 6; i++) manager.submit(new FunctionTask(nap, 100).setOptions({ category: 'naps', memory: 300 }));
    const done = await drain(manager);
    assert.equal(done.length, 6);
    // Three performance samples (after the header line), then lose the worker.
    await until(() => lines(join(dir, 'perf.jsonl')).length >= 4, 20_000, 'three performance samples');
    process.kill(w.pid, 'SIGKILL');
    await until(() => manager.status().workers.length === 0, 20_000, 'the worker to be gone');
    await manager.close();
    await tx.close();
    await perf.close();

    const t = lines(join(dir, 'tx.jsonl'));
    assert.deepEqual(t[0].type, 'trellis-log');
    assert.equal(t[0].log, 'transactions');
    assert.equal(t[1].type, 'manager-start');
    assert.equal(t.at(-1)!.type, 'manager-end');
    const connect = t.find((e) => e.type === 'worker-connect')!;
    assert.equal((connect.worker as { resources: { cores: number } }).resources.cores, 2);
    const disconnect = t.find((e) => e.type === 'worker-disconnect')!;
    assert.equal(typeof disconnect.reason, 'string');
    assert.ok((disconnect.reason as string).length > 0);
    const taskEvents = t.filter((e) => e.type === 'task');
    assert.equal(taskEvents.length, 18, 'waiting, running and done for each of 6 tasks');
    for (const e of taskEvents) assert.deepEqual(e.allocation, { cores: 1, memory: 300, disk: 0, gpus: 0 });
    const doneEvents = taskEvents.filter((e) => e.state === 'done');
    assert.ok(doneEvents.every((e) => e.result === 'success' && (e.measured as { wallTime: number }).wallTime >= 0.09));
    assert.ok(taskEvents.filter((e) => e.state === 'running').every((e) => e.worker === (connect.worker as { name: string }).name));
    const times = t.slice(1).map((e) => e.time as number);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'events are in time order');

    const p = lines(join(dir, 'perf.jsonl'));
    assert.equal(p[0].log, 'performance');
    const records = p.slice(1);
    assert.ok(records.length >= 3, `expected several samples, got ${records.length}`);
    assert.ok(records.some((r) => (r.workers as { connected: number }).connected === 1 && (r.capacity as { cores: number }).cores === 2));
    assert.equal((records.at(-1)!.tasks as { done: number }).done, 6);

    // Both logs of the run make one report.
    const report = await reportFromLogs([join(dir, 'perf.jsonl'), join(dir, 'tx.jsonl')]);
    assert.equal(report.source, 'transactions+performance');
    assert.equal(report.totals.tasksDone, 6);
    assert.deepEqual(report.categories.map((c) => c.name), ['naps']);
    assert.equal(report.workerRows.length, 1);
    assert.equal(report.workerRows[0].tasksDone, 6);
    assert.ok(report.workerRows[0].segments.some((s) => s[2] === 2), 'the worker ran two tasks at once');
    assert.equal(report.tasks.done.at(-1), 6);
  });

  it('refuse an unwritable path at once, saying which log, which path and what was expected', () => {
    const manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    assert.throws(() => attachTransactionLog(manager, join(dir, 'no-such-dir', 'tx.jsonl')),
      /transaction log: cannot write ".*no-such-dir\/tx\.jsonl": ENOENT.*expected a file path in a writable folder/);
    mkdirSync(join(dir, 'a-dir'), { recursive: true });
    assert.throws(() => attachPerformanceLog(manager, join(dir, 'a-dir')), /performance log: cannot write ".*a-dir": EISDIR/);
    assert.throws(() => attachPerformanceLog(manager, join(dir, 'p.jsonl'), 0), /intervalSeconds expects a number > 0, got 0/);
    assert.throws(() => attachTransactionLog(manager, '' as string), /transaction log: expected a file path, got ""/);
  });

  it('a log of 200,000 tasks is written and read back in bounded intervals with every task counted', async () => {
    const path = join(dir, 'big.jsonl');
    const events = await writeSyntheticLog(path, { tasks: 200_000, workers: 50, coresPerWorker: 16 }, attachTransactionLog);
    assert.ok(events > 600_000);
    const report = await reportFromLogs([path]);
    assert.equal(report.totals.events, events, 'every event read');
    assert.equal(report.totals.tasksDone, 200_000);
    assert.equal(report.totals.results.exception, 200);
    assert.equal(report.tasks.done.at(-1), 200_000);
    assert.ok(report.times.length <= 1000, `at most 1000 intervals, got ${report.times.length}`);
    assert.ok(report.times.length > 100, `enough intervals to draw, got ${report.times.length}`);
    assert.equal(report.tasks.waiting.at(-1), 0);
    assert.equal(report.tasks.running.at(-1), 0);
    assert.equal(Math.max(...report.tasks.running.map((v) => v ?? 0)), 800, 'all 50 x 16 cores ran at once');
    assert.deepEqual(report.categories.map((c) => c.name).sort(), [...CATEGORIES].sort());
    const align = report.categories.find((c) => c.name === 'align')!;
    const measured = align.memoryMax.filter((v): v is number => v !== null);
    assert.ok(measured.length > 0 && Math.max(...measured) < 900 && Math.min(...measured) >= 500, 'align measured 500..900 MB');
    assert.ok(align.memoryAllocation.some((v) => v === 1000) && align.memoryAllocation.some((v) => v !== null && v > 1000),
      'the allocation line follows the category events');
    assert.equal(report.workerRows.length, 50);
    assert.ok(report.workerRows.every((r) => r.tasksDone === 4000 && r.disconnectedAt !== null && r.reason === 'idle timeout'));
  });

  it('trellis plot refuses files that are not Trellis logs, naming the file and what was expected', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['text.log', 'hello world\nsecond line\n', /"[^"]*text\.log" is not a Trellis log: expected its first line to be JSON, got "hello world"/],
      ['other.jsonl', '{"level":"info","msg":"hi"}\n', /is not a Trellis log: expected its first line to be a JSON header \{"type":"trellis-log",\.\.\.\}/],
      ['empty.jsonl', '', /"[^"]*empty\.jsonl" is empty; expected a Trellis transaction or performance log/],
      ['binary.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /binary\.png" is not a Trellis log/],
      ['newer.jsonl', '{"type":"trellis-log","log":"transactions","version":99,"time":1}\n', /expected log format version 1, got 99/],
      ['broken.jsonl', '{"type":"trellis-log","log":"transactions","version":1,"time":1,"manager":"m"}\n{"type":"task",\n{"type":"manager-end","time":2}\n',
        /broken\.jsonl" line 2 is not a JSON record/],
    ];
    for (const [name, content, expected] of cases) {
      writeFileSync(join(dir, name), content);
      const r = await runCli(['plot', join(dir, name), '-o', join(dir, `${name}.html`)]);
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.match(r.stderr, expected, name);
    }
    const missing = await runCli(['plot', join(dir, 'nope.jsonl'), '-o', join(dir, 'nope.html')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read log ".*nope\.jsonl": ENOENT/);
    // A log cut short in its last line (a killed manager) still plots.
    writeFileSync(join(dir, 'cut.jsonl'), '{"type":"trellis-log","log":"transactions","version":1,"time":1,"manager":"m"}\n' +
      '{"type":"manager-start","time":1,"name":"m","port":1}\n{"type":"task","ti');
    const cut = await runCli(['plot', join(dir, 'cut.jsonl'), '-o', join(dir, 'cut.html')]);
    assert.equal(cut.code, 0, cut.stderr);
    assert.match(cut.stderr, /wrote .*cut\.html: 1 events/);
  });
});
