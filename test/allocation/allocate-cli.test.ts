// `trellis allocate`: output on a tiny trace, --tasks-out, --json, and the error for each bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'trellis-allocate-'));
const tiny = join(dir, 'tiny.csv');
writeFileSync(tiny, 'task,category,cores,memory_mb,disk_mb,wall_s\nt1,c,1,100,10,10\nt2,c,1,800,10,20\n');

function trellis(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'allocate', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fails(args: string[], message: RegExp): void {
  const r = trellis(...args);
  assert.notEqual(r.status, 0, `expected a failure, got ${r.stdout}`);
  assert.match(r.stderr, message);
}

describe('trellis allocate', () => {
  const worker = ['--workers', '1', '--worker', 'cores=2,memory=1000,disk=1000'];

  it('prints the mode with the oracle and whole-worker references', () => {
    const r = trellis('--trace', tiny, '--mode', 'cost-bucketing', ...worker);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 tasks on 1 worker\(s\) of cores=2 memory=1000MB disk=1000MB/);
    // By hand (see the replay test): cores 30 / 74.1 core·s (10/14.1 and 20/60 per task), memory
    // 17000 / 35070 MB·s (1000/7070 and 16000/28000), disk 300 / 8270 (100/7070 and 200/1200); 70 s against 20.
    assert.match(r.stdout, /\ncost-bucketing +2 +0 +40\.5% \/ 52\.0% +48\.5% \/ 35\.6% +3\.6% \/ 9\.0% +74 \/ 30 +35\.1k \/ 17\.0k +70 +3\.500x\n/);
    assert.match(r.stdout, /\noracle +0 +0 .* +20 +1\.000x\n/);
    assert.match(r.stdout, /\nwhole-worker +0 +0 .* +30 +1\.500x\n/);
  });

  it('--json prints one object and --tasks-out one line per task and mode with every attempt', () => {
    const out = join(dir, 'tasks.jsonl');
    const r = trellis('--trace', tiny, '--mode', 'cost-bucketing', ...worker, '--json', '--tasks-out', out);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.modes['cost-bucketing'].retries, 2);
    assert.equal(json.modes.oracle.makespan, 20);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 6); // 2 tasks x (cost-bucketing, oracle, whole-worker)
    assert.deepEqual(lines[1], {
      mode: 'cost-bucketing', task: 't2', category: 'c', used: { cores: 1, memory_mb: 800, disk_mb: 10 }, wall_s: 20, result: 'success',
      attempts: [
        { cores: 1, memory_mb: 200, disk_mb: 20, outcome: 'exhausted', exhausted: ['memory'], worker: 0, start_s: 10, end_s: 30 },
        { cores: 1, memory_mb: 400, disk_mb: 20, outcome: 'exhausted', exhausted: ['memory'], worker: 0, start_s: 30, end_s: 50 },
        { cores: 1, memory_mb: 800, disk_mb: 20, outcome: 'success', exhausted: [], worker: 0, start_s: 50, end_s: 70 },
      ],
    });
  });

  it('--mode all prints every mode', () => {
    const r = trellis('--trace', tiny, '--mode', 'all', ...worker);
    assert.equal(r.status, 0, r.stderr);
    for (const m of ['fixed', 'max', 'min-waste', 'max-throughput', 'greedy-bucketing', 'exhaustive-bucketing', 'cost-bucketing', 'oracle', 'whole-worker']) {
      assert.match(r.stdout, new RegExp(`\\n${m} `));
    }
  });

  it('says what was expected and what was given for each bad input', () => {
    fails(['--trace', tiny, '--mode', 'smallest'], /--mode: expected one of fixed, .*, oracle, whole-worker or all, got "smallest"/);
    fails(['--trace', tiny], /required option '--mode <mode>' not specified/);
    fails(['--mode', 'max'], /required option '--trace <file>' not specified/);
    fails(['--trace', tiny, '--mode', 'max', '--workers', '0'], /--workers expects an integer >= 1, got "0"/);
    fails(['--trace', tiny, '--mode', 'max', '--worker', 'cores=64,ram=4'], /--worker: expected resource cores, memory or disk, got "ram" in "cores=64,ram=4"/);
    fails(['--trace', tiny, '--mode', 'max', '--worker', 'memory=lots'], /--worker: memory expects a number > 0, got "lots" in "memory=lots"/);
    fails(['--trace', tiny, '--mode', 'max', '--worker', 'cores'], /--worker: expected cores=N,memory=MB,disk=MB .*, got "cores" in "cores"/);
    fails(['--trace', join(dir, 'missing.csv'), '--mode', 'max'], /--trace: cannot read ".*missing\.csv": ENOENT/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'task,category,cores,memory_mb,disk_mb,wall_s\nt1,c,1,100,10,10\nt2,c,1,lots,10,20\n');
    fails(['--trace', bad, '--mode', 'max'], /bad\.csv:3: column memory_mb expects a number >= 0, got "lots"/);
    fails(['--trace', tiny, '--mode', 'max', '--order', 'random'], /--order expects queued or sequential, got "random"/);
    fails(['--trace', tiny, '--mode', 'max', '--cold-start', '10'], /--cold-start expects N:whole-worker \(e\.g\. 10:whole-worker\), got "10"/);
    fails(['--trace', tiny, '--mode', 'max', '--enforce', 'memory,gpus'], /--enforce expects a comma-separated list of cores, memory, disk, got "gpus" in "memory,gpus"/);
  });

  it('replays a published protocol: sequential order, a whole-worker cold start, enforced cores', () => {
    const r = trellis('--trace', tiny, '--mode', 'cost-bucketing', ...worker, '--order', 'sequential', '--cold-start', '1:whole-worker',
      '--enforce', 'cores,memory,disk', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.order, out.coldStart, out.enforce], ['sequential', 1, ['cores', 'memory', 'disk']]);
    // One task at a time: the oracle's makespan is the sum of the wall times.
    assert.equal(out.modes.oracle.makespan, 30);
    assert.equal(out.modes['cost-bucketing'].failed, 0);
  });
});
