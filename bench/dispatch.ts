// Dispatch speed: raw piscina vs remote() through Manager.local() and through a `trellis worker` over TCP (TLS,
// the default with a password, and plain TCP in the same run), synchronous round trips, and command tasks vs raw spawn.
import { Piscina } from 'piscina';
import { spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Manager, remote, CommandTask } from '../lib/index.js';
import type { BenchResult } from './run.js';
import { rate } from './_rate.js';

function noop(): null {
  return null;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function spawnRate(count: number, concurrency: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const c = spawn('/bin/true', { stdio: 'ignore' });
        c.on('error', reject);
        c.on('exit', () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return count / (Number(process.hrtime.bigint() - t0) / 1e9);
}

export default async function dispatch(args: string[]): Promise<BenchResult> {
  const calls = Number(args[args.indexOf('--calls') + 1]) || 100_000;
  const threads = availableParallelism();
  const warm = 2000;
  const commands = 2000;
  const warmCommands = 200;
  // Both sides of e/f are the median of three rounds: one round of a few seconds swings by 20% on a shared machine.
  const rounds = 3;
  // (f) first, while this process is small: fork cost grows with the parent's heap.
  await spawnRate(warmCommands, threads);
  const spawnRounds: number[] = [];
  for (let r = 0; r < rounds; r++) spawnRounds.push(await spawnRate(commands, threads));
  const spawnPerS = percentile([...spawnRounds].sort((x, y) => x - y), 50);

  // (a) raw piscina, same threads
  const pool = new Piscina({ filename: new URL('./_noop-thread.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
  await rate(warm, () => pool.run(null));
  const piscina = await rate(calls, () => pool.run(null));
  await pool.destroy();

  // (b) Manager.local()
  const local = Manager.local({ log: false, cores: threads });
  const localNoop = remote(noop, { manager: local });
  await rate(warm, localNoop);
  const localRate = await rate(calls, localNoop);
  await local.close();

  // (c) one `trellis worker` process over TCP loopback, (d) one call at a time: with TLS (the default with a
  // password) and then over plain TCP (insecurePlaintext), in the same run.
  const dir = mkdtempSync(join(tmpdir(), 'trellis-bench-'));
  writeFileSync(join(dir, 'pw'), 'bench\n');
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const tcpRound = async (plain: boolean, commandsToo: boolean) => {
    const tcp = new Manager({ host: '127.0.0.1', port: 0, password: 'bench', log: false, insecurePlaintext: plain });
    const port = await tcp.listen();
    const worker = spawn(process.execPath, [cli, 'worker', `127.0.0.1:${port}`, '--cores', String(threads), '--password-file', join(dir, 'pw'),
      ...(plain ? ['--insecure-plaintext'] : [])], { stdio: 'ignore' });
    const tcpNoop = remote(noop, { manager: tcp });
    await rate(warm, tcpNoop);
    const callsPerS = await rate(calls, tcpNoop);
    // One call at a time: the first 2,000 right after the burst, while V8 still compiles the one-call path on
    // both sides, then 2,000 once it is warm (after 6,000 in all).
    const syncRound = async (n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = process.hrtime.bigint();
        await tcpNoop();
        out.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return out.sort((x, y) => x - y);
    };
    const first = await syncRound(2000);
    await syncRound(4000);
    const lat = await syncRound(2000);
    // (e) command tasks, (f) raw spawn at the same concurrency. Warmed first like (a)-(c): the worker forks its
    // command hosts on its first command, and their code settles over the first hundreds.
    const commandRounds: number[] = [];
    if (commandsToo) {
      for (let i = 0; i < warmCommands; i++) tcp.submit(new CommandTask('/bin/true'));
      while (await tcp.wait(60)) { /* drain */ }
      for (let r = 0; r < rounds; r++) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < commands; i++) tcp.submit(new CommandTask('/bin/true'));
        while (await tcp.wait(60)) { /* drain */ }
        commandRounds.push(commands / (Number(process.hrtime.bigint() - t0) / 1e9));
      }
    }
    await tcp.close();
    process.kill(worker.pid!, 'SIGTERM');
    return { callsPerS, first, lat, commandRounds };
  };
  // In the order TLS, plain, plain, TLS, so that neither side gains from going second (a warmer manager).
  const tls1 = await tcpRound(false, true);
  const plain1 = await tcpRound(true, false);
  const plain2 = await tcpRound(true, false);
  const tls2 = await tcpRound(false, false);
  const merged = (a: typeof tls1, b: typeof tls1) => ({ callsPerS: (a.callsPerS + b.callsPerS) / 2,
    first: [...a.first, ...b.first].sort((x, y) => x - y), lat: [...a.lat, ...b.lat].sort((x, y) => x - y) });
  const tls = merged(tls1, tls2);
  const plain = merged(plain1, plain2);
  const tcpRate = tls.callsPerS;
  const { first, lat } = tls;
  const commandRounds = tls1.commandRounds;
  const commandRate = percentile([...commandRounds].sort((x, y) => x - y), 50);

  const figures = {
    threads, calls,
    piscina_calls_per_s: Math.round(piscina), local_calls_per_s: Math.round(localRate), tcp_calls_per_s: Math.round(tcpRate),
    local_over_piscina: +(localRate / piscina).toFixed(3), tcp_over_piscina: +(tcpRate / piscina).toFixed(3),
    sync_p50_ms: +percentile(lat, 50).toFixed(4), sync_p99_ms: +percentile(lat, 99).toFixed(4),
    sync_first_p50_ms: +percentile(first, 50).toFixed(4), sync_first_p99_ms: +percentile(first, 99).toFixed(4),
    plain_tcp_calls_per_s: Math.round(plain.callsPerS), tls_over_plain_calls: +(tcpRate / plain.callsPerS).toFixed(3),
    tls_rounds_calls_per_s: [tls1.callsPerS, tls2.callsPerS].map(Math.round), plain_rounds_calls_per_s: [plain1.callsPerS, plain2.callsPerS].map(Math.round),
    plain_sync_p50_ms: +percentile(plain.lat, 50).toFixed(4), plain_sync_p99_ms: +percentile(plain.lat, 99).toFixed(4),
    command_tasks_per_s: Math.round(commandRate), spawn_per_s: Math.round(spawnPerS),
    command_over_spawn: +(commandRate / spawnPerS).toFixed(3),
    command_rounds_per_s: commandRounds.map(Math.round), spawn_rounds_per_s: spawnRounds.map(Math.round),
  };
  const report = [
    `dispatch benchmark: ${calls} no-op calls, ${threads} threads`,
    `  (a) raw piscina            ${figures.piscina_calls_per_s} calls/s`,
    `  (b) Manager.local()        ${figures.local_calls_per_s} calls/s   b/a = ${figures.local_over_piscina}`,
    `  (c) trellis worker (TLS)   ${figures.tcp_calls_per_s} calls/s   c/a = ${figures.tcp_over_piscina}`,
    `      same over plain TCP    ${figures.plain_tcp_calls_per_s} calls/s   TLS/plain = ${figures.tls_over_plain_calls}`,
    `  (d) sync round trip (TLS)  p50 ${figures.sync_p50_ms} ms   p99 ${figures.sync_p99_ms} ms (warm; first 2,000: p50 ${figures.sync_first_p50_ms} ms, p99 ${figures.sync_first_p99_ms} ms)`,
    `      same over plain TCP    p50 ${figures.plain_sync_p50_ms} ms   p99 ${figures.plain_sync_p99_ms} ms`,
    `  (e) /bin/true tasks        ${figures.command_tasks_per_s} tasks/s (median of ${figures.command_rounds_per_s.join(' / ')})`,
    `  (f) raw spawn              ${figures.spawn_per_s} spawns/s (median of ${figures.spawn_rounds_per_s.join(' / ')})   e/f = ${figures.command_over_spawn}`,
  ];
  return { figures, report };
}
