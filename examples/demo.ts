// The quick-start demo: a few decorated functions and one command task on the embedded local pool.
import { writeFileSync, readFileSync, mkdtempSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote, Manager, FunctionTask, CommandTask } from '../lib/index.js';

const SEED = 7;

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function digest(text: string): string {
  return createHash('sha256').update(text + SEED).digest('hex').slice(0, 16);
}

function stats(values: number[]): { mean: number; max: number; histogram: Map<number, number> } {
  const histogram = new Map<number, number>();
  for (const v of values) histogram.set(Math.floor(v / 10) * 10, (histogram.get(Math.floor(v / 10) * 10) ?? 0) + 1);
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values), histogram };
}

async function main(): Promise<void> {
  const manager = Manager.local({ log: false });

  // remote(): call a function on a worker and await its result.
  const remoteFib = remote(fib, { manager, category: 'fib' });
  const remoteDigest = remote(digest, { manager, category: 'digest' });
  const remoteStats = remote(stats, { manager });
  const fibs = await Promise.all([25, 26, 27, 28].map((n) => remoteFib(n)));
  console.log(`fib(25..28)          = ${fibs.join(', ')}`);
  console.log(`digest("trellis")    = ${await remoteDigest('trellis')}`);
  const s = await remoteStats([3, 14, 15, 92, 65, 35, 89, 79]);
  console.log(`stats(...)           = mean ${s.mean}, max ${s.max}, histogram ${JSON.stringify([...s.histogram])}`);
  try {
    await remote(function explode(what: string) {
      const e = new RangeError(`no ${what} here`);
      (e as RangeError & { code: string }).code = 'E_DEMO';
      throw e;
    }, { manager })('cheese');
  } catch (err) {
    const e = err as RangeError & { code: string };
    console.log(`explode("cheese")    threw ${e.name} ${e.code}: ${e.message}`);
  }

  // submit()/wait(): the Work Queue way, with a per-task report.
  const dir = mkdtempSync(join(tmpdir(), 'trellis-demo-'));
  writeFileSync(join(dir, 'in.txt'), 'hello from trellis\n'.repeat(1000));
  const gz = new CommandTask('gzip -c in.txt > out.gz && wc -c < out.gz').addInput(join(dir, 'in.txt'), 'in.txt')
    .addOutput('out.gz', join(dir, 'out.gz'));
  manager.submit(gz);
  for (const n of [20, 30]) manager.submit(new FunctionTask(fib, n).setOptions({ category: 'fib' }));
  console.log('\n  id  kind      result   worker                         exec s   cpu s  peak MB   output');
  for (let t = await manager.wait(30); t; t = await manager.wait(30)) {
    const out = t instanceof CommandTask ? `exit ${t.exitCode}, ${t.stdout.trim()} bytes gzipped, ` +
      `${gunzipSync(readFileSync(join(dir, 'out.gz'))).length} bytes back` : String((t as FunctionTask).output);
    console.log(`  ${String(t.id).padStart(2)}  ${t instanceof CommandTask ? 'command ' : 'function'}  ${t.result!.padEnd(8)} ` +
      `${(t.worker ?? '').padEnd(30)} ${t.executionTime.toFixed(4).padStart(7)} ${(t.measured?.cpuTime ?? 0).toFixed(3).padStart(7)} ` +
      `${(t.measured?.memory ?? 0).toFixed(1).padStart(8)}   ${out}`);
  }
  await manager.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
