// The factory on a real single-node SLURM: the test starts the cluster (.ci/install-slurm.sh up), runs a
// workload whose workers all came through sbatch, and stops the cluster again. Skipped, saying how to enable
// it, where SLURM is not installed; CI installs it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findExecutable } from '../../lib/factory/find-executable.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { factoryWorkload, submittedJobs } from './factory-workload.js';

const SCRIPT = join(PROJECT_ROOT, '.ci/install-slurm.sh');

function slurmUp(): boolean {
  try {
    return /is UP/.test(execFileSync('scontrol', ['ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
}

describe('factory: a real SLURM cluster', function () {
  let startedHere = false;

  before(function () {
    this.timeout(180_000);
    if (!findExecutable('sbatch') || !findExecutable('slurmctld', `${process.env.PATH ?? ''}:/usr/sbin:/sbin`)) {
      console.log('      skipped: SLURM is not installed here; as root, `bash .ci/install-slurm.sh install` enables this test ' +
        '(it then starts and stops a one-node cluster itself; CI does this)');
      this.skip();
    }
    if (!slurmUp()) {
      execFileSync('bash', [SCRIPT, 'up'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 170_000 });
      startedHere = true;
    }
  });
  after(function () {
    this.timeout(120_000);
    if (startedHere) execFileSync('bash', [SCRIPT, 'down'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 110_000 });
  });

  it('runs a workload on workers that all came through sbatch, then scancels the idle ones', async function () {
    this.timeout(240_000);
    const { factory, connected, done } = await factoryWorkload('slurm', 0);
    assert.equal(done.length, 12);
    assert.ok(done.every((t) => t.result === 'success'));
    const jobs = submittedJobs(factory.output());
    assert.equal(jobs.length, 2, factory.output());
    // Each worker is named after its SLURM job id, and every worker that connected is one of the jobs.
    const jobOfWorker = connected.map((n) => /^trellis-[0-9a-f]{6}-(\d+)$/.exec(n)?.[1]);
    assert.ok(jobOfWorker.length >= 2 && jobOfWorker.every((j) => j !== undefined && jobs.includes(j)),
      `workers ${connected.join(' ')} vs jobs ${jobs.join(' ')}`);
    assert.ok(done.every((t) => connected.includes(t.worker!)), 'every task ran on a SLURM worker');
    assert.match(factory.output(), /slurm jobs/);
    // The factory cancelled them (min 0): SLURM shows none of them left.
    const left = execFileSync('squeue', ['--noheader', '--format=%i', '--jobs', jobs.join(',')], { encoding: 'utf8' }).trim();
    assert.equal(left, '', `jobs still in squeue: ${left}`);
    const state = execFileSync('scontrol', ['show', 'job', jobs[0]], { encoding: 'utf8' });
    assert.match(state, /JobState=CANCELLED/);
  });
});
