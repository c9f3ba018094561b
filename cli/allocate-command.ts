// `trellis allocate --trace FILE --mode MODE`: replays a trace of measured tasks through the allocation
// modes on simulated workers and prints allocated vs used, efficiency, retries and makespan.
import { createWriteStream } from 'node:fs';
import { Command, Option, InvalidArgumentError } from 'commander';
import { readTrace } from '../lib/allocation/replay/trace.js';
import { parseReplayMode, REPLAY_MODES, type ReplayMode } from '../lib/allocation/replay/policies.js';
import { DEFAULT_WORKER, parseWorkerSpec } from '../lib/allocation/replay/worker-spec.js';
import { compareModes } from '../lib/allocation/replay/compare.js';
import type { ReplayOrder } from '../lib/allocation/replay/simulate.js';
import { AUTO_RESOURCES, type AutoResource } from '../lib/allocation/resources.js';
import { formatComparison, taskLine } from '../lib/allocation/replay/report.js';

function modes(raw: string): ReplayMode[] {
  if (raw === 'all') return [...REPLAY_MODES];
  try {
    const mode = parseReplayMode(raw);
    return mode === 'oracle' || mode === 'whole-worker' ? ['oracle', 'whole-worker'] : [mode, 'oracle', 'whole-worker'];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function positiveInteger(what: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} expects an integer >= 1, got "${raw}"`);
    return n;
  };
}

function order(raw: string): ReplayOrder {
  if (raw !== 'queued' && raw !== 'sequential') throw new InvalidArgumentError(`--order expects queued or sequential, got "${raw}"`);
  return raw;
}

/** `N:whole-worker`: the first N tasks of the trace get a whole worker for their first attempt. */
function coldStart(raw: string): number {
  const m = /^(\d+):whole-worker$/.exec(raw.trim());
  if (!m) throw new InvalidArgumentError(`--cold-start expects N:whole-worker (e.g. 10:whole-worker), got "${raw}"`);
  return Number(m[1]);
}

function enforce(raw: string): AutoResource[] {
  const names = raw.split(',').map((n) => n.trim());
  for (const n of names) {
    if (!(AUTO_RESOURCES as readonly string[]).includes(n)) {
      throw new InvalidArgumentError(`--enforce expects a comma-separated list of ${AUTO_RESOURCES.join(', ')}, got "${n}" in "${raw}"`);
    }
  }
  return [...new Set(names)] as AutoResource[];
}

function workerSpec(raw: string) {
  try {
    return parseWorkerSpec(raw);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Writes every task of every replayed mode as one JSON line; resolves once the file is complete. */
async function writeTasks(file: string, runs: ReturnType<typeof compareModes>['runs']): Promise<void> {
  const out = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => { out.on('finish', resolve); out.on('error', reject); });
  for (const run of runs) for (const t of run.tasks) out.write(taskLine(run.mode, t) + '\n');
  out.end();
  await done.catch((err: Error) => { throw new Error(`--tasks-out: cannot write "${file}": ${err.message}`); });
}

export function allocateCommand(): Command {
  const w = DEFAULT_WORKER;
  return new Command('allocate')
    .description('replay a trace of measured tasks through the allocation modes on simulated workers')
    .requiredOption('--trace <file>', 'CSV with header task,category,cores,memory_mb,disk_mb,wall_s (one row per task, completion order)')
    .requiredOption('--mode <mode>', `${REPLAY_MODES.join(', ')}, or all`, modes)
    .option('--workers <n>', 'simulated workers', positiveInteger('--workers'), 4)
    .addOption(new Option('--worker <size>', 'size of each worker').argParser(workerSpec)
      .default({ ...w }, `cores=${w.cores},memory=${w.memory},disk=${w.disk}`))
    .option('--seed <n>', 'seed of the bucketing modes\' random draws', positiveInteger('--seed'), 1)
    .option('--order <order>', 'queued: every task waits from the start; sequential: one task at a time in trace order, retries included', order, 'queued')
    .option('--cold-start <N:whole-worker>', 'the first N tasks get a whole worker for their first attempt', coldStart, 0)
    .option('--enforce <resources>', 'resources whose overuse stops an attempt (cores enforced: fewer cores than used is an exhaustion, not a slowdown)', enforce, ['memory', 'disk'])
    .option('--json', 'print one JSON object instead of a table')
    .option('--tasks-out <file>', 'write one JSON line per task with every attempt\'s allocation and outcome')
    .action(async (o: {
      trace: string; mode: ReplayMode[]; workers: number; worker: ReturnType<typeof parseWorkerSpec>; seed: number; json?: boolean; tasksOut?: string;
      order: ReplayOrder; coldStart: number; enforce: AutoResource[];
    }) => {
      const trace = readTrace(o.trace);
      const result = compareModes(trace, o.mode, o.workers, o.worker, {
        seed: o.seed, order: o.order, coldStart: o.coldStart, enforce: o.enforce, keepTasks: o.tasksOut !== undefined,
      });
      if (o.tasksOut) await writeTasks(o.tasksOut, result.runs);
      if (o.json) {
        const modes = Object.fromEntries(result.modes.map((m) => [m.mode, m]));
        console.log(JSON.stringify({
          trace: o.trace, tasks: trace.length, workers: o.workers, worker: o.worker, order: o.order, coldStart: o.coldStart, enforce: o.enforce, modes,
        }));
      } else {
        for (const line of formatComparison(o.trace, result)) console.log(line);
      }
    });
}
