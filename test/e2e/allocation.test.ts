// Measuring, enforcing and learning allocations end to end: known allocations are measured within the
// issue's accuracy, a call over its allocation is retried larger and succeeds, and learned categories pack a
// big worker tighter than whole-worker allocation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Manager, FunctionTask, CommandTask, remote, type Task } from '../../lib/index.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';

/** Holds about `mb` MB of JS heap (arrays of numbers), then lets it go. */
function holdHeap(mb: number): number {
  const chunks: number[][] = [];
  for (let i = 0; i < mb; i++) chunks.push(new Array(131072).fill(i + 0.5)); // 131072 doubles = 1 MB
  return chunks.length;
}

function holdBuffer(mb: number): number {
  const b = Buffer.alloc(mb * 2 ** 20, 1);
  return b.length;
}

/** This thread's CPU seconds as the kernel's tick accounting sees them (a different source than the worker's). */
function threadTicksSeconds(): number {
  const f = readFileSync('/proc/thread-self/stat', 'latin1').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Burns `seconds` of this thread's CPU (not wall time: the machine may be shared) and returns what it burned. */
function busy(seconds: number): number {
  const start = threadTicksSeconds();
  while (threadTicksSeconds() - start < seconds) { /* spin */ }
  return threadTicksSeconds() - start;
}

function nap(ms: number): Promise<number> {
  return new Promise((r) => setTimeout(() => r(ms), ms));
}

async function drain(m: Manager): Promise<Task[]> {
  const out: Task[] = [];
  for (let t = await m.wait(60); t; t = await m.wait(60)) out.push(t);
  return out;
}

/** /proc counts CPU time in ticks of 10 ms: two ticks is the most its figure and another clock's may differ by. */
const TICKS = 0.02;

/** A measured CPU time is at least what the task itself counted and at most its wall time (one thread). */
function cpuTimeHolds(m: { cpuTime: number; wallTime: number }, truth: number, what: string): void {
  assert.ok(m.cpuTime >= truth - TICKS, `${what}: measured ${m.cpuTime} s of CPU, the task itself counted ${truth} s`);
  assert.ok(m.cpuTime <= m.wallTime + TICKS, `${what}: measured ${m.cpuTime} s of CPU in ${m.wallTime} s of wall time`);
}

function within(measured: number, truth: number, fraction: number, what: string): void {
  assert.ok(Math.abs(measured - truth) <= fraction * truth, `${what}: measured ${measured}, truth ${truth} (±${fraction * 100}%)`);
}

describe('measurement and allocation', function () {
  let manager: Manager;
  beforeEach(() => { manager = Manager.local({ log: false, cores: 2 }); });
  afterEach(async () => { await manager.close(); await stopAllWorkers(); });

  it('measures a thread call: peak memory within 15% of a known allocation, CPU time at least what it burned', async () => {
    const ids = [manager.submit(new FunctionTask(holdBuffer, 200)), manager.submit(new FunctionTask(busy, 1))];
    const done = await drain(manager);
    const buffer = done.find((t) => t.id === ids[0])!;
    const spin = done.find((t) => t.id === ids[1])!;
    within(buffer.measured!.memory, 200, 0.15, 'buffer peak MB');
    cpuTimeHolds(spin.measured!, (spin as FunctionTask).output as number, 'busy thread');
    assert.ok(spin.measured!.wallTime >= 1);
  });

  it('measures a command: peak resident memory within 15%, and its CPU time at least what it burned', async () => {
    manager.submit(new CommandTask(`python3 -c "b = b'x' * (200 * 1024 * 1024); import time; time.sleep(0.6)"`));
    // Burns one CPU second (by its own clock, as the machine may be shared), then idles so the last sample sees it all.
    manager.submit(new CommandTask(`python3 -c "import time\nwhile time.process_time() < 1: pass\ntime.sleep(0.3)\nprint(time.process_time())"`));
    const [mem, cpu] = (await drain(manager)).sort((a, b) => a.id - b.id);
    assert.equal(mem.result, 'success', mem.error?.message);
    within(mem.measured!.memory, 200 + 9, 0.15, 'command peak MB'); // python itself holds about 9 MB
    assert.equal(cpu.result, 'success', cpu.error?.message);
    cpuTimeHolds(cpu.measured!, Number((cpu as CommandTask).stdout), 'busy command');
  });

  it('retries a call that goes over its first allocation with a larger one, and it succeeds', async () => {
    manager.setCategoryMode('grow', 'max');
    manager.setCategoryFirstAllocation('grow', { memory: 60 });
    const grow = remote(holdHeap, { manager, category: 'grow' });
    assert.equal(await grow(150), 150);
    const cat = manager.status().categories.find((c) => c.name === 'grow')!;
    assert.ok(cat.exhaustions >= 1, 'the first attempt went over its 60 MB');
    assert.equal(cat.done, 1);
  });

  it('fails a call that goes over the memory it asked for, naming the resource', async () => {
    const t = new FunctionTask(holdHeap, 200).setOptions({ memory: 60 });
    manager.submit(t);
    const [done] = await drain(manager);
    assert.equal(done.result, 'resource-exhaustion');
    assert.match(done.error!.message, /memory/);
  });

  it('kills a command over its memory allocation and retries it at the category maximum', async () => {
    manager.setCategoryMode('big', 'max');
    manager.setCategoryFirstAllocation('big', { memory: 100 });
    manager.setCategoryMaxResources('big', { memory: 2000 });
    const t = new CommandTask(`python3 -c "b = b'x' * (300 * 1024 * 1024); import time; time.sleep(0.5)"`, { category: 'big' });
    manager.submit(t);
    const [done] = await drain(manager);
    assert.equal(done.result, 'success', done.error?.message);
    assert.ok(done.exhaustions >= 1, 'the first attempt was killed over its 100 MB');
    assert.ok(done.allocation!.memory > 300 && done.allocation!.memory <= 2000, `final allocation ${done.allocation!.memory} MB`);
  });

  it('a late small category of large commands climbs its ladder, not beyond, while another category runs', async () => {
    // Ladder of the late category: 100 MB doubling up to its 2000 MB maximum, 100, 200, 400, 800, 1600, 2000: at most 5 retries.
    const ladderRetries = Math.ceil(Math.log2(2000 / 100));
    for (const c of ['steady', 'late']) {
      manager.setCategoryMode(c, 'cost-bucketing');
      manager.setCategoryFirstAllocation(c, { memory: 100 });
      manager.setCategoryMaxResources(c, { memory: 2000 });
    }
    const hold = (mb: number) => `python3 -c "b = b'x' * (${mb} * 1024 * 1024); import time; time.sleep(0.2)"`;
    for (let i = 0; i < 6; i++) manager.submit(new CommandTask(hold(10), { category: 'steady' }));
    const steady = await drain(manager);
    for (let i = 0; i < 3; i++) manager.submit(new CommandTask(hold(300), { category: 'late' }));
    for (let i = 0; i < 3; i++) manager.submit(new CommandTask(hold(10), { category: 'steady' }));
    const mixed = await drain(manager);
    const late = mixed.filter((t) => t.category === 'late');
    assert.equal(late.length, 3);
    assert.ok(late.some((t) => t.exhaustions >= 1), 'a late task went over its first 100 MB and was retried');
    for (const t of [...steady, ...mixed]) assert.equal(t.result, 'success', t.error?.message);
    for (const t of late) {
      assert.ok(t.exhaustions <= ladderRetries, `${t.exhaustions} retries, more than the ladder's ${ladderRetries}`);
      assert.ok(t.allocation!.memory > 300 && t.allocation!.memory <= 2000, `final allocation ${t.allocation!.memory} MB`);
    }
  });

  it('rejects bad category settings, naming what was expected', () => {
    assert.throws(() => manager.setCategoryMode('x', 'greedy' as never), /expected one of fixed, max, min-waste/);
    assert.throws(() => manager.setCategoryMaxResources('x', { memory: -5 }), /memory: expected a number >= 0, got -5/);
  });

  it('packs learned categories on a 64-core worker: more at once than whole-worker allocation', async function () {
    const big = new Manager({ host: '127.0.0.1', port: 0, log: false });
    const port = await big.listen();
    startWorker([`127.0.0.1:${port}`, '--cores', '64', '--memory', '65536']);
    await until(() => big.status().workers.length === 1, 20_000, 'the 64-core worker');
    const peakOf = async (setup: () => void, categories: string[]): Promise<number> => {
      setup();
      for (let i = 0; i < 24; i++) for (const category of categories) big.submit(new FunctionTask(nap, 400).setOptions({ category }));
      let peak = 0;
      const poll = setInterval(() => { peak = Math.max(peak, big.status().workers[0]?.running ?? 0); }, 20);
      const done = await drain(big);
      clearInterval(poll);
      assert.ok(done.every((t) => t.result === 'success'));
      return peak;
    };
    const whole = await peakOf(() => big.setCategoryFirstAllocation('whole', { cores: 64, memory: 65536 }), ['whole']);
    const learned = await peakOf(() => {
      big.setCategoryMode('a', 'max');
      big.setCategoryMode('b', 'greedy-bucketing');
    }, ['a', 'b']);
    await big.close();
    assert.equal(whole, 1);
    assert.ok(learned > whole, `learned categories ran ${learned} at once, whole-worker ${whole}`);
    const cats = big.status().categories.filter((c) => c.name === 'a' || c.name === 'b');
    assert.ok(cats.every((c) => c.done === 24 && c.efficiency.cores > 0));
  });
});
