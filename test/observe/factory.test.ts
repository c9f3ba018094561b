// The worker factory: how many workers a backlog needs, its refusals (no sbatch, bad flags), and a real run
// with local worker processes that grows the pool to the backlog and shrinks it back to the minimum.
import assert from 'node:assert/strict';
import { workersNeeded } from '../../lib/factory/backlog.js';
import type { StatusView } from '../../lib/logs/observed-manager.js';
import { runCli } from './helpers.js';
import { factoryWorkload, submittedJobs } from './factory-workload.js';

function status(waiting: number, running: number, categories?: unknown): StatusView {
  return { name: 'm', workers: [], tasks: { waiting, running, done: 0 }, categories };
}

const shape = { cores: 4, memory: 8000, disk: null, gpus: 0 };

describe('factory: workers needed for a backlog', function () {
  it('divides waiting + running tasks by the tasks one worker runs, rounding up', () => {
    assert.equal(workersNeeded(status(10, 3), shape, { min: 0, max: 100, tasksPerWorker: 4 }).workers, 4);
    assert.equal(workersNeeded(status(0, 0), shape, { min: 0, max: 100, tasksPerWorker: 4 }).workers, 0);
  });

  it('stays within min and max, and says so', () => {
    const low = workersNeeded(status(0, 0), shape, { min: 2, max: 10, tasksPerWorker: 4 });
    assert.equal(low.workers, 2);
    assert.match(low.why, /kept within 2\.\.10/);
    assert.equal(workersNeeded(status(1000, 0), shape, { min: 0, max: 10, tasksPerWorker: 4 }).workers, 10);
  });

  it('counts the resources the tasks reserve when the manager reports category allocations', () => {
    // 6 tasks of 3000 MB each need 18000 MB: three 8000 MB workers, more than 6 tasks / 4 per worker = 2.
    const s = status(4, 2, [{ name: 'big', waiting: 4, running: 2, allocation: { cores: 1, memory: 3000, disk: 0, gpus: 0 } }]);
    const need = workersNeeded(s, shape, { min: 0, max: 100, tasksPerWorker: 4 });
    assert.equal(need.byTasks, 2);
    assert.equal(need.byResources, 3);
    assert.equal(need.workers, 3);
  });
});

describe('factory: refusals', function () {
  it('--batch slurm without sbatch says what is missing and how to install it', async () => {
    const r = await runCli(['factory', '--batch', 'slurm', '--manager', '127.0.0.1:9', '--max-workers', '1'],
      { env: { ...process.env, PATH: '/nonexistent' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--batch slurm needs sbatch, squeue, scancel, not found on PATH \(\/nonexistent\)/);
    assert.match(r.stderr, /apt-get install slurm-client/);
    assert.match(r.stderr, /or use --batch local/);
  });

  it('bad flags say which flag, what was expected and what was given', async () => {
    const pbs = await runCli(['factory', '--batch', 'pbs', '--manager', '127.0.0.1:9']);
    assert.match(pbs.stderr, /option '--batch <type>' argument 'pbs' is invalid\. Allowed choices are slurm, local/);
    const minmax = await runCli(['factory', '--batch', 'local', '--manager', '127.0.0.1:9', '--min-workers', '3', '--max-workers', '2']);
    assert.match(minmax.stderr, /--max-workers \(2\) must be at least --min-workers \(3\)/);
    const noManager = await runCli(['factory', '--batch', 'local']);
    assert.match(noManager.stderr, /expected --manager HOST:PORT or --manager-name REGEX/);
    const perCycle = await runCli(['factory', '--batch', 'local', '--manager', '127.0.0.1:9', '--workers-per-cycle', '0']);
    assert.match(perCycle.stderr, /--workers-per-cycle expects an integer >= 1, got "0"/);
  });
});

describe('factory: local worker processes', function () {
  it('grows the pool to the backlog, runs the workload, cancels idle extras down to the minimum and the rest on exit', async () => {
    const { factory, connected, done } = await factoryWorkload('local', 1);
    assert.equal(done.length, 12);
    assert.ok(done.every((t) => t.result === 'success'));
    const jobs = submittedJobs(factory.output());
    assert.deepEqual(jobs, ['1', '2'], factory.output());
    assert.ok(connected.length >= 2 && connected.every((n) => /^trellis-[0-9a-f]{6}-[12]$/.test(n)), connected.join(' '));
    assert.ok(new Set(done.map((t) => t.worker)).size === 2, 'both factory workers ran tasks');
    assert.match(factory.output(), /need 2 \(12 tasks \/ 1 per worker = 12, (by resources 12, )?kept within 1\.\.2\)/);
    assert.match(factory.output(), /cancelled 1 job\(s\): [12]; exiting/);
  });
});
