// Fuzz: at least 100,000 random and mutated frames thrown at a manager (bench/_fuzz-peer.ts, another process)
// while a real `trellis worker` runs the application's calls. Reports crashes (uncaught exceptions or
// rejections in the manager's process: must be 0), the calls the real worker completed (each checked), the links
// the manager closed, and the manager's RSS before and after.
// Options: --frames N (default 100000), --seed N, --plain (plain TCP instead of TLS).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Manager, FunctionTask, queryStatus } from '../lib/index.js';
import type { BenchResult } from './run.js';

function square(n: number): number {
  return n * n;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export default async function fuzz(args: string[]): Promise<BenchResult> {
  const frames = option(args, '--frames', 100_000);
  const seed = option(args, '--seed', 12);
  const plain = args.includes('--plain');
  const password = 'fuzz password';
  let crashes = 0;
  const crashMessages: string[] = [];
  const onCrash = (err: unknown) => {
    crashes++;
    if (crashMessages.length < 5) crashMessages.push(String((err as Error)?.stack ?? err));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  let logLines = 0;
  const closedFor = new Map<string, number>();
  const manager = new Manager({ host: '127.0.0.1', port: 0, password, insecurePlaintext: plain, log: (line) => {
    logLines++;
    const m = /closing link with [^:]+:\d+: ([a-z ]+?):/.exec(line);
    if (m) closedFor.set(m[1], (closedFor.get(m[1]) ?? 0) + 1);
  } });
  const port = await manager.listen();
  const dir = mkdtempSync(join(tmpdir(), 'trellis-fuzz-'));
  writeFileSync(join(dir, 'pw'), `${password}\n`);
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const worker = spawn(process.execPath, [cli, 'worker', `127.0.0.1:${port}`, '--cores', '1', '--password-file', join(dir, 'pw'),
    '--name', 'real-worker', ...(plain ? ['--insecure-plaintext'] : [])], { stdio: 'ignore' });

  // Tasks retry for as long as it takes: a hostile worker that takes one and answers garbage sends it back. A
  // hostile worker knows the password, so a well-formed result it makes up is accepted: counted apart.
  let completed = 0;
  let wrong = 0;
  let forged = 0;
  let other = 0;
  const runBatch = async (from: number, n: number) => {
    for (let i = from; i < from + n; i++) manager.submit(new FunctionTask(square, i).setOptions({ retries: 1_000_000 }));
    for (let k = 0; k < n; k++) {
      const t = (await manager.wait()) as FunctionTask;
      const i = (t.args as number[])[0];
      if (t.worker !== 'real-worker') forged++;
      else if (t.result === 'success' && t.output === i * i) completed++;
      else if (t.result === 'success') wrong++;
      else other++;
    }
  };
  await runBatch(0, 200);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const rssSeries: number[] = [];
  const sampler = setInterval(() => rssSeries.push(Math.round(process.memoryUsage().rss / 2 ** 20)), 10_000);

  let fuzzing = true;
  const app = (async () => {
    for (let i = 200; fuzzing; i += 20) await runBatch(i, 20);
  })();

  const t0 = Date.now();
  const peer = spawn(process.execPath, [fileURLToPath(new URL('./_fuzz-peer.js', import.meta.url)), String(port), password,
    String(frames), String(seed), plain ? '0' : '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  peer.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const peerExit = await new Promise<number | null>((resolve) => peer.once('exit', (code) => resolve(code)));
  const seconds = (Date.now() - t0) / 1000;
  fuzzing = false;
  await app;
  clearInterval(sampler);
  gc();
  const rssAfter = process.memoryUsage().rss;
  const heapAfter = process.memoryUsage().heapUsed;
  const sent = JSON.parse(out.trim().split('\n').pop() || '{}') as Record<string, number>;
  // The manager still answers, and the real worker is still connected.
  const status = await queryStatus({ host: '127.0.0.1', port, password, insecurePlaintext: plain });
  const realStillThere = status.workers.some((w) => w.name === 'real-worker');
  await manager.close();
  process.kill(worker.pid!, 'SIGTERM');
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);

  const figures = {
    transport: plain ? 'plain TCP' : 'TLS', seed, fuzz_peer_exit: peerExit, seconds: +seconds.toFixed(1),
    frames_sent: sent.frames ?? 0, connections: sent.connections ?? 0, authenticated_links: sent.authenticated ?? 0,
    hostile_tasks_received: sent.tasksReceived ?? 0, links_closed_by_manager: sent.closedByManager ?? 0,
    crashes, crash_messages: crashMessages,
    real_worker_tasks_completed: completed, real_worker_wrong_results: wrong, real_worker_other_outcomes: other,
    forged_well_formed_results_accepted: forged,
    manager_heap_before_mb: +(heapBefore / 2 ** 20).toFixed(1), manager_heap_after_mb: +(heapAfter / 2 ** 20).toFixed(1),
    manager_rss_every_10s_mb: rssSeries,
    real_worker_still_connected: realStillThere, manager_log_lines: logLines, closed_for: Object.fromEntries(closedFor),
    manager_rss_before_mb: +(rssBefore / 2 ** 20).toFixed(1), manager_rss_after_mb: +(rssAfter / 2 ** 20).toFixed(1),
  };
  const report = [
    `fuzz benchmark (${figures.transport}, seed ${seed}): ${figures.frames_sent} frames on ${figures.connections} connections in ${figures.seconds} s`,
    `  crashes in the manager's process      ${crashes}${crashes ? `: ${crashMessages[0]}` : ''}`,
    `  tasks completed by the real worker    ${completed} (wrong results: ${wrong}, other outcomes: ${other}); still connected: ${realStillThere}`,
    `  well-formed results hostile workers made up (accepted: they know the password): ${forged}`,
    `  hostile links authenticated           ${figures.authenticated_links} (tasks they were given and answered with garbage: ${figures.hostile_tasks_received})`,
    `  links the manager closed              ${figures.links_closed_by_manager} (${Object.entries(figures.closed_for).map(([k, v]) => `${k}: ${v}`).join(', ')})`,
    `  manager RSS                           ${figures.manager_rss_before_mb} MB before, ${figures.manager_rss_after_mb} MB after (every 10 s: ${rssSeries.join(' ')})`,
    `  manager heap after a collection       ${figures.manager_heap_before_mb} MB before, ${figures.manager_heap_after_mb} MB after`,
  ];
  return { figures, report };
}
