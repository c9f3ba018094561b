// A manager with remote workers and the dashboard: the manager listens with a password, two `trellis worker`
// processes connect to it (on this machine here; on other nodes in real use), remote() calls run on them, and
// the dashboard shows it all live.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Manager, configure, remote, startDashboard } from '../lib/index.js';

function slowSquare(x: number): { x: number; square: number; pid: number } {
  const end = Date.now() + 50;
  while (Date.now() < end) { /* pretend to work */ }
  return { x, square: x * x, pid: process.pid };
}

const password = randomBytes(16).toString('hex');
const pwFile = join(mkdtempSync(join(tmpdir(), 'trellis-example-')), 'pw');
writeFileSync(pwFile, password + '\n', { mode: 0o600 });

const manager = new Manager({ port: 0, password, name: 'example' });
const port = await manager.listen();
const dashboard = await startDashboard(manager, 0);
console.log(`manager on ${hostname()}:${port}; dashboard at ${dashboard.url}`);

// What you would run on each worker node: trellis worker HOST:PORT --cores N --password-file FILE
const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const workers = [1, 2].map((i) => spawn(process.execPath,
  [cli, 'worker', `127.0.0.1:${port}`, '--cores', '1', '--memory', '1000', '--password-file', pwFile, '--name', `worker-${i}`],
  { stdio: 'ignore' }));

// Wait for both, so the calls below spread over them (a real application need not wait).
while (manager.status().workers.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));

configure({ manager });
const square = remote(slowSquare, { category: 'square' });
const results = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => square(x)));
const pids = new Set(results.map((r) => r.pid));
console.log(`squares: ${results.map((r) => r.square).join(', ')} (computed in ${pids.size} worker processes)`);
const status = manager.status();
console.log(`workers connected: ${status.workers.length}; tasks done: ${status.tasks.done}`);

await dashboard.close();
await manager.close();
for (const w of workers) w.kill('SIGTERM');
console.log('closed');
