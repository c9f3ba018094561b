// The journal's cost and what it buys: remote() calls/s with the journal on vs off (same run, alternating
// rounds, medians), the restart time of a manager whose journal holds 1,000,000 unfinished tasks, and how
// many submitted tasks a kill -9 loses.
import { spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Manager, FunctionTask, remote } from '../lib/index.js';
import type { BenchResult } from './run.js';
import { rate } from './_rate.js';

function noop(): null {
  return null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [fileURLToPath(new URL('./_journal-kill.js', import.meta.url)), ...args], { stdio: 'inherit' });
    c.on('exit', () => resolve());
  });
}

/** Unfinished tasks a manager finds in a journal. */
function restoredCount(journal: string): Promise<number> {
  const m = new Manager({ journal, host: '127.0.0.1', port: 0, log: false });
  const n = m.status().tasks.waiting;
  return m.close().then(() => n);
}

export default async function journalBench(args: string[]): Promise<BenchResult> {
  const calls = Number(args[args.indexOf('--calls') + 1]) || 100_000;
  const restartTasks = Number(args[args.indexOf('--restart-tasks') + 1]) || 1_000_000;
  const threads = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'trellis-bench-journal-'));
  const rounds = 5;

  // (a) Manager.local() and (b) one `trellis worker` over TCP, each with the journal off and on, alternating.
  const local = { off: [] as number[], on: [] as number[] };
  const tcp = { off: [] as number[], on: [] as number[] };
  writeFileSync(join(dir, 'pw'), 'bench\n');
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (const mode of (r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) as ('off' | 'on')[]) {
      const journal = mode === 'on' ? join(dir, `run-${++n}.journal`) : undefined;
      const lm = Manager.local({ log: false, cores: threads, journal });
      const lf = remote(noop, { manager: lm });
      await rate(2000, lf);
      local[mode].push(await rate(calls, lf));
      await lm.close();

      const tm = new Manager({ host: '127.0.0.1', port: 0, password: 'bench', log: false, journal: mode === 'on' ? join(dir, `run-${++n}.journal`) : undefined });
      const port = await tm.listen();
      const w = spawn(process.execPath, [cli, 'worker', `127.0.0.1:${port}`, '--cores', String(threads), '--password-file', join(dir, 'pw')],
        { stdio: 'ignore' });
      const tf = remote(noop, { manager: tm });
      await rate(2000, tf);
      tcp[mode].push(await rate(calls, tf));
      await tm.close();
      process.kill(w.pid!, 'SIGKILL');
    }
  }

  // (c) restart: a journal holding restartTasks unfinished tasks (a manager without workers closed with them queued).
  const big = join(dir, 'restart.journal');
  const m1 = new Manager({ journal: big, host: '127.0.0.1', port: 0, log: false });
  for (let i = 0; i < restartTasks; i++) m1.submit(new FunctionTask(noop));
  await m1.close();
  const journalMb = statSync(big).size / 1048576;
  let t0 = process.hrtime.bigint();
  const m2 = new Manager({ journal: big, host: '127.0.0.1', port: 0, log: false });
  const restartSeconds = seconds(t0);
  const restored = m2.status().tasks.waiting;
  t0 = process.hrtime.bigint();
  await m2.close();
  const closeSeconds = seconds(t0);

  // (d) kill -9 right after submitting: in one synchronous burst, and in chunks of 1,000 with a turn between.
  const killCount = 100_000;
  await runChild([join(dir, 'burst.journal'), String(killCount), String(killCount)]);
  const burstKept = (await restoredCount(join(dir, 'burst.journal'))) - 1; // less the first call, made before
  await runChild([join(dir, 'chunks.journal'), String(killCount), '1000']);
  const chunksKept = (await restoredCount(join(dir, 'chunks.journal'))) - 1;
  rmSync(dir, { recursive: true, force: true });

  const f = {
    threads, calls,
    local_off_calls_per_s: Math.round(median(local.off)), local_on_calls_per_s: Math.round(median(local.on)),
    local_on_over_off: +(median(local.on) / median(local.off)).toFixed(3),
    tcp_off_calls_per_s: Math.round(median(tcp.off)), tcp_on_calls_per_s: Math.round(median(tcp.on)),
    tcp_on_over_off: +(median(tcp.on) / median(tcp.off)).toFixed(3),
    local_rounds: { off: local.off.map(Math.round), on: local.on.map(Math.round) },
    tcp_rounds: { off: tcp.off.map(Math.round), on: tcp.on.map(Math.round) },
    restart_tasks: restartTasks, restart_restored: restored, restart_s: +restartSeconds.toFixed(2), restart_journal_mb: +journalMb.toFixed(1),
    restart_close_s: +closeSeconds.toFixed(2),
    kill_submitted: killCount, kill_burst_lost: killCount - burstKept, kill_chunked_lost: killCount - chunksKept,
  };
  const report = [
    `journal benchmark: ${calls} no-op remote() calls, ${threads} threads, median of ${rounds} alternating rounds`,
    `  Manager.local()       off ${f.local_off_calls_per_s} calls/s   on ${f.local_on_calls_per_s} calls/s   on/off = ${f.local_on_over_off}`,
    `  trellis worker (TCP)  off ${f.tcp_off_calls_per_s} calls/s   on ${f.tcp_on_calls_per_s} calls/s   on/off = ${f.tcp_on_over_off}`,
    `  restart with ${restartTasks} unfinished tasks in the journal (${f.restart_journal_mb} MB): ${f.restart_s} s ` +
      `(${restored} queued again); close() then ${f.restart_close_s} s`,
    `  kill -9 right after submitting ${killCount} tasks: ${f.kill_burst_lost} lost when submitted in one synchronous burst, ` +
      `${f.kill_chunked_lost} when submitted 1,000 per turn of the event loop`,
  ];
  return { figures: f, report };
}
