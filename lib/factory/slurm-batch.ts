// Workers as SLURM jobs: sbatch a script that runs `trellis worker`, squeue to see them, scancel to stop them.
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { BatchSystem, JobState, WorkerJobSpec } from './batch-system.js';
import { findExecutable } from './find-executable.js';

export const SLURM_INSTALL_HINT =
  'install the SLURM client commands (sbatch, squeue, scancel) and point them at your cluster ' +
  '(Debian/Ubuntu: apt-get install slurm-client; RHEL: dnf install slurm), or try a single-node cluster on this machine ' +
  'as root with `bash .ci/install-slurm.sh up` from a Trellis checkout, or use --batch local';

/** Throws a message saying what is missing and how to install it, unless sbatch, squeue and scancel are on PATH. */
export function checkSlurmCommands(path = process.env.PATH ?? ''): void {
  const missing = ['sbatch', 'squeue', 'scancel'].filter((c) => !findExecutable(c, path));
  if (missing.length) {
    throw new Error(`--batch slurm needs ${missing.join(', ')}, not found on PATH (${path || 'empty'}): ${SLURM_INSTALL_HINT}`);
  }
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export class SlurmBatch implements BatchSystem {
  readonly name = 'slurm';
  private scriptPath: string | null = null;

  /** `jobName` marks this factory's jobs in squeue; `extraOptions` go to sbatch as given (-B/--batch-options). */
  constructor(private readonly scratchDir: string, private readonly jobName: string, private readonly extraOptions: string[] = []) {
    checkSlurmCommands();
  }

  private script(spec: WorkerJobSpec): string {
    if (this.scriptPath) return this.scriptPath;
    // SLURM_JOB_ID is set in the job: it names the worker, so the factory knows which job a worker is.
    const body = `#!/bin/sh\n# A Trellis worker submitted by \`trellis factory\`.\n` +
      `exec ${spec.argv.map(quote).join(' ')} --name ${quote(spec.namePrefix)}"$SLURM_JOB_ID"\n`;
    const path = join(this.scratchDir, `${this.jobName}.sh`);
    writeFileSync(path, body);
    chmodSync(path, 0o755);
    return this.scriptPath = path;
  }

  async submit(spec: WorkerJobSpec): Promise<string> {
    const args = ['--parsable', `--job-name=${this.jobName}`, `--cpus-per-task=${Math.max(1, Math.ceil(spec.cores))}`,
      `--mem=${Math.ceil(spec.memory)}`, `--output=${join(this.scratchDir, 'worker-%j.log')}`];
    if (spec.gpus > 0) args.push(`--gres=gpu:${spec.gpus}`);
    args.push(...this.extraOptions, this.script(spec));
    const r = await run('sbatch', args);
    const id = r.split(';')[0].trim();
    if (!/^\d+(_\d+)?$/.test(id)) throw new Error(`sbatch printed ${JSON.stringify(r)}; expected a job id`);
    return id;
  }

  async poll(): Promise<Map<string, JobState>> {
    const out = await run('squeue', ['--noheader', `--name=${this.jobName}`, '--format=%i %T']);
    const jobs = new Map<string, JobState>();
    for (const line of out.split('\n')) {
      const [id, state] = line.trim().split(/\s+/);
      if (!id) continue;
      if (state === 'PENDING' || state === 'CONFIGURING' || state === 'REQUEUED') jobs.set(id, 'pending');
      else if (state === 'RUNNING' || state === 'COMPLETING' || state === 'SUSPENDED') jobs.set(id, 'running');
    }
    return jobs;
  }

  async cancel(ids: string[]): Promise<void> {
    if (ids.length) await run('scancel', ids);
  }
}

async function run(cmd: string, args: string[]): Promise<string> {
  try {
    const r = await execa(cmd, args, { timeout: 60_000 });
    return r.stdout;
  } catch (err) {
    const e = err as { stderr?: string; shortMessage?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e.stderr || e.shortMessage || e.message).trim()}`);
  }
}
