// `trellis factory`: keeps a pool of workers sized to a manager's backlog on SLURM (or local processes).
import { Command, Option, InvalidArgumentError } from 'commander';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WorkerFactory } from '../lib/factory/worker-factory.js';
import { SlurmBatch } from '../lib/factory/slurm-batch.js';
import { LocalBatch } from '../lib/factory/local-batch.js';
import type { BatchSystem } from '../lib/factory/batch-system.js';
import { createProgress } from '../lib/progress.js';
import { hostPort, nonNegative } from './parse-values.js';
import { addLinkOptions, linkSettings, linkArgv } from './link-options.js';
import { catalogAddress } from '../lib/catalog/catalog-client.js';
import { checkProjectPattern, findManagers } from '../lib/catalog/find-managers.js';

/** --manager-name: the workers find managers themselves; the backlog is the busiest matching manager's. */
function managerByName(o: Record<string, unknown>) {
  if (o.managerName === undefined) {
    if (!o.manager) throw new InvalidArgumentError('expected --manager HOST:PORT or --manager-name REGEX');
    return null;
  }
  if (o.manager) throw new InvalidArgumentError('expected either --manager or --manager-name, got both');
  const pattern = o.managerName as string;
  checkProjectPattern(pattern);
  const catalog = catalogAddress(o.catalog as string | undefined);
  if (!catalog) throw new InvalidArgumentError('--manager-name needs a catalog: give --catalog HOST:PORT or set TRELLIS_CATALOG');
  return {
    target: { host: '', port: 0 },
    workerArgs: ['--manager-name', pattern, '--catalog', `${catalog.host}:${catalog.port}`],
    /** Points `manager` at the matching manager with the most waiting tasks; false when none is live. */
    async choose(manager: { host: string; port: number }, log: (line: string) => void): Promise<boolean> {
      let found;
      try { found = await findManagers(catalog, pattern); } catch (err) { log(`trellis factory: ${(err as Error).message}`); return false; }
      if (found.length === 0) { log(`trellis factory: no live manager of project "${pattern}"; holding`); return false; }
      manager.host = found[0]!.address;
      manager.port = found[0]!.port;
      return true;
    },
  };
}

const CLI_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function positiveInt(what: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} expects an integer >= 1, got "${raw}"`);
    return n;
  };
}

export function factoryCommand(): Command {
  return addLinkOptions(new Command('factory'))
    .description('submit and cancel workers on a batch system to follow a manager\'s backlog')
    .addOption(new Option('--batch <type>', 'where workers run').choices(['slurm', 'local']).makeOptionMandatory())
    .option('--manager <host:port>', 'the manager the workers serve', hostPort)
    .option('--manager-name <regex>', 'instead of --manager: serve the live managers whose project matches, found through the catalog')
    .option('--catalog <host:port>', 'the catalog for --manager-name (default: TRELLIS_CATALOG)')
    .option('--min-workers <n>', 'workers kept even with no backlog', nonNegative('--min-workers', true), 0)
    .option('--max-workers <n>', 'never more workers than this', nonNegative('--max-workers', true), 10)
    .option('--workers-per-cycle <n>', 'at most this many submitted per cycle', positiveInt('--workers-per-cycle'), 5)
    .option('--tasks-per-worker <n>', 'tasks one worker runs at once (default: its cores)', nonNegative('--tasks-per-worker'))
    .option('--cores <n>', 'cores per worker', nonNegative('--cores'), 1)
    .option('--memory <mb>', 'memory per worker in MB', nonNegative('--memory'), 1024)
    .option('--disk <mb>', 'disk per worker in MB (default: the worker\'s free disk)', nonNegative('--disk'))
    .option('--gpus <n>', 'GPUs per worker', nonNegative('--gpus', true), 0)
    .option('--timeout <s>', 'workers exit after this many idle seconds', nonNegative('--timeout'), 300)
    .option('--interval <s>', 'seconds between cycles', nonNegative('--interval'), 10)
    .option('-B, --batch-options <options>', 'extra options for sbatch, e.g. "--partition=long --account=lab"')
    .option('-E, --extra-options <options>', 'extra options for each `trellis worker`, e.g. "--cache-dir /scratch/t"')
    .option('-S, --scratch-dir <dir>', 'where job scripts and worker logs go (must be visible to the compute nodes)')
    .action(async (o: Record<string, unknown>) => {
      const byName = managerByName(o);
      const addr = byName?.target ?? o.manager as { host: string; port: number };
      const min = o.minWorkers as number;
      const max = o.maxWorkers as number;
      if (max < min) throw new InvalidArgumentError(`--max-workers (${max}) must be at least --min-workers (${min})`);
      if ((o.cores as number) <= 0) throw new InvalidArgumentError(`--cores expects a number > 0, got ${o.cores}`);
      const passwordFile = o.passwordFile ? resolve(o.passwordFile as string) : null;
      const link = linkSettings(o);
      const tag = randomBytes(3).toString('hex');
      const scratch = resolve((o.scratchDir as string | undefined) ?? `${tmpdir()}/trellis-factory-${process.getuid?.() ?? 0}`);
      mkdirSync(scratch, { recursive: true });
      const split = (s: unknown) => (typeof s === 'string' ? s.split(/\s+/).filter(Boolean) : []);
      const batch: BatchSystem = o.batch === 'slurm'
        ? new SlurmBatch(scratch, `trellis-worker-${tag}`, split(o.batchOptions))
        : new LocalBatch(scratch);
      const shape = { cores: o.cores as number, memory: o.memory as number, disk: (o.disk as number | undefined) ?? null, gpus: o.gpus as number };
      const argv = [process.execPath, CLI_MAIN, 'worker', ...(byName?.workerArgs ?? [`${addr.host}:${addr.port}`]), '--cores', String(shape.cores),
        '--memory', String(shape.memory), '--gpus', String(shape.gpus), '--idle-timeout', String(o.timeout)];
      if (shape.disk !== null) argv.push('--disk', String(shape.disk));
      // Workers get the same password file and TLS settings (paths made absolute: jobs start elsewhere).
      if (passwordFile) argv.push('--password-file', passwordFile);
      argv.push(...linkArgv(o, (p) => resolve(p)));
      argv.push(...split(o.extraOptions));

      const bar = createProgress({ label: 'tasks done', total: 0 });
      // With --manager-name the manager asked about the backlog is re-chosen from the catalog at each cycle.
      const manager = { ...addr, ...link };
      const factory = new WorkerFactory({
        batch, manager, minWorkers: min, maxWorkers: max,
        workersPerCycle: o.workersPerCycle as number, tasksPerWorker: (o.tasksPerWorker as number | undefined) || Math.max(1, shape.cores),
        shape, job: { argv, namePrefix: `trellis-${tag}-` }, log: (line) => bar.log(line),
      });
      bar.log(`trellis factory: ${batch.name} workers of ${shape.cores} cores, ${shape.memory} MB for ${byName ? `project "${o.managerName as string}"` : `${addr.host}:${addr.port}`}, ` +
        `${min}..${max} workers, scratch ${scratch}`);
      let stopping = false;
      let wake: (() => void) | null = null;
      const stop = (sig: string) => {
        if (stopping) return;
        stopping = true;
        bar.log(`trellis factory: received ${sig}; cancelling this factory's workers`);
        wake?.();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      while (!stopping) {
        try {
          if (byName && !(await byName.choose(manager, (line) => bar.log(line)))) {
            await new Promise<void>((r) => { wake = r; setTimeout(r, (o.interval as number) * 1000); });
            continue;
          }
          const r = await factory.cycle();
          if (r.status) {
            const t = r.status.tasks;
            bar.update(t.done, t.done + t.waiting + t.running + (t.preparing ?? 0));
          }
        } catch (err) {
          bar.log(`trellis factory: cycle failed: ${(err as Error).message}`);
        }
        if (stopping) break;
        await new Promise<void>((r) => { wake = r; setTimeout(r, (o.interval as number) * 1000); });
      }
      const ids = await factory.stopAll();
      bar.stop();
      console.error(`trellis factory: cancelled ${ids.length} job(s)${ids.length ? `: ${ids.join(' ')}` : ''}; exiting`);
    });
}
