// A small application for the close() tests, run as its own process: it starts a manager in the configuration
// named by its argument (JSON), runs calls, leaves work queued and running, closes the manager and prints
// "closed" after close() returns. An unsettled close() shows as exit code 13 and no "closed" line.
import { spawn } from 'node:child_process';
import { Manager, FunctionTask, CommandTask, remote } from '../../lib/index.js';
import { CLI } from './paths.js';

interface Config {
  dispatch: 'inline' | 'thread';
  workers: 'local' | 'tcp';
  transactionLog?: string;
  performanceLog?: string;
  dashboard?: boolean;
  /** Tasks left queued at close (more than the worker can start). */
  queued?: number;
  /** A command left running at close: `sleep <this>` (a number no other process uses). */
  sleeping?: string;
}

function square(x: number): number {
  return x * x;
}

function waitFor(cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => { if (cond()) resolve(); else setTimeout(check, 20); };
    check();
  });
}

const c = JSON.parse(process.argv[2]) as Config;
const common = { log: false as const, dispatch: c.dispatch, transactionLog: c.transactionLog, performanceLog: c.performanceLog,
  dashboard: c.dashboard ? 0 : undefined };
let worker: ReturnType<typeof spawn> | null = null;
let manager: Manager;
if (c.workers === 'local') manager = Manager.local({ ...common, cores: 1 });
else {
  manager = new Manager({ ...common, host: '127.0.0.1', port: 0 });
  const port = await manager.listen();
  worker = spawn(process.execPath, [CLI, 'worker', `127.0.0.1:${port}`, '--cores', '1'], { stdio: 'ignore' });
}
const sq = remote(square, { manager });
const results = await Promise.all([1, 2, 3].map((x) => sq(x)));
console.log(`squares ${results.join(',')}`);
if (c.sleeping) {
  manager.submit(new CommandTask(`sleep ${c.sleeping}`));
  await waitFor(() => manager.status().tasks.running > 0);
}
for (let i = 0; i < (c.queued ?? 0); i++) manager.submit(new FunctionTask(square, i));
await manager.close();
console.log('closed');
if (worker) process.kill(worker.pid!, 'SIGKILL');
