// An application with a journaled manager, for the restart tests, run as its own process. It submits `n`
// tasks (unless resuming), prints "took <id> <output>" for every result wait() returns, and after `killAfter`
// results kills itself with SIGKILL — a real kill -9 at a known point, with tasks queued and running.
import { writeSync } from 'node:fs';
import { Manager, FunctionTask, CommandTask } from '../../lib/index.js';

interface Config {
  journal: string;
  /** Submit this many tasks first (0 when resuming). */
  n: number;
  killAfter?: number;
  /** Listen here for a `trellis worker` (the tests start it); else Manager.local() with two cores. */
  port?: number;
  /** Also submit a command task writing this file (its output comes back after a restart too). */
  commandOutput?: string;
  /** Milliseconds each task takes (default 30), and a file where each run notes its argument. */
  ms?: number;
  runs?: string;
  restartHold?: number;
}

/** Doubles x after `ms`; with `runs`, first notes in that file that it ran (to count runs per task). */
function double(x: number, ms: number, runs: string | null): Promise<number> {
  if (runs) process.getBuiltinModule('node:fs').appendFileSync(runs, `${x}\n`);
  return new Promise((resolve) => setTimeout(() => resolve(2 * x), ms));
}

const c = JSON.parse(process.argv[2]) as Config;
const manager = c.port === undefined
  ? Manager.local({ journal: c.journal, cores: 2, log: false })
  : new Manager({ journal: c.journal, host: '127.0.0.1', port: c.port, log: (l) => writeSync(2, `${l}\n`) });
if (c.restartHold !== undefined) manager.tune('restart-hold', c.restartHold);
if (c.port !== undefined) await manager.listen();
for (let i = 0; i < c.n; i++) manager.submit(new FunctionTask(double, i, c.ms ?? 30, c.runs ?? null));
if (c.commandOutput) manager.submit(new CommandTask('echo journaled > out.txt').addOutput('out.txt', c.commandOutput));
writeSync(1, `submitted ${c.n}\n`);
let took = 0;
for (let t = await manager.wait(60); t; t = await manager.wait(60)) {
  const output = t instanceof FunctionTask ? String(t.output) : `exit=${(t as CommandTask).exitCode}`;
  writeSync(1, `took ${t.id} ${t.result} ${output}\n`);
  if (++took === c.killAfter) process.kill(process.pid, 'SIGKILL');
}
writeSync(1, 'all taken\n');
await manager.close();
