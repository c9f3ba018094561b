// The replay on tiny traces with efficiency, retries and makespan checked by hand (memory and disk
// enforced, cores stretching the wall time), the ladder bound, and trace errors.
import assert from 'node:assert/strict';
import { parseTrace } from '../../lib/allocation/replay/trace.js';
import { coreStretch, replay } from '../../lib/allocation/replay/simulate.js';
import { ladderBound } from '../../lib/allocation/replay/bound.js';
import { efficiencyStats } from '../../lib/allocation/efficiency.js';
import { resources } from '../../lib/allocation/resources.js';

const TINY = 'task,category,cores,memory_mb,disk_mb,wall_s\nt1,c,1,100,10,10\nt2,c,1,800,10,20\n';
const worker = { cores: 2, memory: 1000, disk: 1000 };
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

describe('allocation: replay', () => {
  const trace = parseTrace(TINY, 'tiny.csv');

  it('whole-worker runs the tasks one after the other: makespan 30 s, cores 30/60, memory 17000/30000', () => {
    const r = replay(trace, { mode: 'whole-worker', workers: 1, worker });
    assert.equal(r.makespan, 30);
    near(r.stats.resources.cores.timeWeighted, 0.5);
    near(r.stats.resources.memory.timeWeighted, 17000 / 30000);
    near(r.stats.resources.memory.meanPerTask, (0.1 + 0.8) / 2);
    assert.equal(r.stats.retries, 0);
  });

  it('oracle runs both at once: makespan 20 s, efficiency 1', () => {
    const r = replay(trace, { mode: 'oracle', workers: 1, worker });
    assert.equal(r.makespan, 20);
    near(r.stats.resources.memory.timeWeighted, 1);
  });

  it('cost-bucketing: t1 runs at the probe; t2, which does not fit beside it, then starts from the learned ladder and doubles', () => {
    const r = replay(trace, { mode: 'cost-bucketing', workers: 1, worker });
    const [t1, t2] = r.tasks;
    const show = (a: (typeof t1.attempts)[number]) => [a.allocation.cores, a.allocation.memory, a.allocation.disk, a.outcome, a.start, a.end];
    // The probe on a worker of 2 cores: √2 cores, ⌊1000 / √2⌋ = 707 MB; a second one does not fit.
    assert.deepEqual(t1.attempts.map(show), [[Math.SQRT2, 707, 707, 'success', 0, 10]]);
    // Learned from t1 (1 core, 100 MB, 10 MB, 10 s) plus the unseen task (twice the largest, 10 s):
    // cores 1; memory, each attempt also holding 0.5 + 0.01 of a worker: 100 first costs
    // 20·0.61 + 10·0.71 = 19.3 > 200 first, 20·0.71 = 14.2, so 200; disk likewise 20 (12.4 < 18.4).
    // Exhausted at 200, nothing measured above: at least double, 400, then 800.
    assert.deepEqual(t2.attempts.map(show), [
      [1, 200, 20, 'exhausted', 10, 30], [1, 400, 20, 'exhausted', 30, 50], [1, 800, 20, 'success', 50, 70],
    ]);
    assert.equal(r.makespan, 70);
    assert.equal(r.stats.retries, 2);
    // memory: used 100·10 + 800·20 = 17000; allocated 707·10 + (200 + 400 + 800)·20 = 35070.
    near(r.stats.resources.memory.used, 17000);
    near(r.stats.resources.memory.allocated, 35070);
    near(r.stats.resources.memory.meanPerTask, (1000 / 7070 + 16000 / 28000) / 2);
    // cores: used 30 core·s, allocated √2·10 + 1·20·3.
    near(r.stats.resources.cores.timeWeighted, 30 / (Math.SQRT2 * 10 + 60));
  });

  it('cores are not enforced: an attempt with fewer cores than it uses runs longer by used / allocated', () => {
    const busy = parseTrace('task,category,cores,memory_mb,disk_mb,wall_s\nb,c,3,100,10,10\n', 'busy.csv');
    const big = { cores: 4, memory: 1000, disk: 1000 };
    const r = replay(busy, { mode: 'fixed', workers: 1, worker: big, settings: { first: { cores: 1 } } });
    assert.deepEqual(r.tasks[0].attempts.map((a) => [a.allocation.cores, a.outcome, a.duration, a.end]), [[1, 'success', 30, 30]]);
    assert.equal(r.makespan, 30);
    // cores: used 3·10 = 30 core·s, allocated 1·30: every allocated core was busy.
    near(r.stats.resources.cores.timeWeighted, 1);
    // memory: used 100·10, held 1000·30.
    near(r.stats.resources.memory.timeWeighted, 1000 / 30000);
    assert.equal(coreStretch(3, 1), 3);
    assert.equal(coreStretch(0.9, 1), 1);
    assert.equal(coreStretch(1, 0), Infinity);
  });

  it('a stretched attempt that exhausts memory is charged for its whole stretched run; the retry gets the cores seen', () => {
    const t = parseTrace('task,category,cores,memory_mb,disk_mb,wall_s\nm,c,2,300,10,10\n', 'm.csv');
    const big = { cores: 4, memory: 1000, disk: 1000 };
    const r = replay(t, { mode: 'cost-bucketing', workers: 1, worker: big, settings: { probe: { cores: 1, memory: 100, disk: 100 } } });
    // 1 core for 2 busy: 20 s, then stopped at 100 MB; the retries double memory and get 2 cores.
    assert.deepEqual(r.tasks[0].attempts.map((a) => [a.allocation.cores, a.allocation.memory, a.outcome, a.start, a.end]), [
      [1, 100, 'exhausted', 0, 20], [2, 200, 'exhausted', 20, 30], [2, 400, 'success', 30, 40],
    ]);
    // memory: used 300·10 = 3000; allocated 100·20 + 200·10 + 400·10 = 8000.
    near(r.stats.resources.memory.timeWeighted, 3000 / 8000);
    // cores: used 2·10 = 20; allocated 1·20 + 2·10 + 2·10 = 60.
    near(r.stats.resources.cores.timeWeighted, 20 / 60);
    assert.equal(r.stats.retries, 2);
  });

  it('a task given 0 cores that uses some fails with a reason instead of never finishing', () => {
    const r = replay(trace, { mode: 'fixed', workers: 1, worker, settings: { first: { cores: 0 } } });
    assert.equal(r.tasks[0].failure, 'cores: allocated 0 to a task that uses 1; it would never finish');
    assert.equal(r.stats.failed, 2);
  });

  it('ladder bound: the best ladder per category knowing its distribution (10 s at 100 MB, 10 s at 800 MB)', () => {
    // Ladders: [800] costs 20·800 = 16000; [100, 800] costs 20·100 + 10·800 = 10000: used 9000 / 10000.
    const two = parseTrace('task,category,cores,memory_mb,disk_mb,wall_s\na,c,1,100,10,10\nb,c,1,800,10,10\n', 'two.csv');
    near(ladderBound(two, 'memory'), 9000 / 10000);
    near(ladderBound(two, 'disk'), 1);
  });

  it('a task larger than a worker fails with a reason, and counts as failed', () => {
    const big = parseTrace('task,category,cores,memory_mb,disk_mb,wall_s\nhuge,c,1,5000,10,5\n', 'big.csv');
    const r = replay(big, { mode: 'oracle', workers: 1, worker });
    assert.match(r.tasks[0].failure ?? '', /asks for more than a worker has/);
    assert.equal(r.stats.failed, 1);
    const m = replay(big, { mode: 'max', workers: 1, worker });
    assert.equal(m.tasks[0].failure, 'memory: needs more than a whole worker (memory=1000 MB)');
  });

  it('efficiencyStats charges every attempt for the whole wall time, or its duration when given', () => {
    const s = efficiencyStats([{
      used: { cores: 1, memory: 300, disk: 0 }, wall: 10,
      attempts: [{ allocation: resources({ cores: 1, memory: 100 }), outcome: 'exhausted' }, { allocation: resources({ cores: 1, memory: 400 }), outcome: 'success' }],
    }]);
    near(s.resources.memory.timeWeighted, 3000 / 5000);
    assert.equal(s.retries, 1);
    assert.equal(s.failed, 0);
    // Stretched to 20 s on half a core: cores 1·10 / (0.5·20), memory 300·10 / (400·20).
    const t = efficiencyStats([{
      used: { cores: 1, memory: 300, disk: 0 }, wall: 10,
      attempts: [{ allocation: resources({ cores: 0.5, memory: 400 }), outcome: 'success', duration: 20 }],
    }]);
    near(t.resources.cores.timeWeighted, 1);
    near(t.resources.memory.timeWeighted, 3000 / 8000);
    near(t.resources.memory.meanPerTask, 3000 / 8000);
  });
});

describe('allocation: replay protocol options', () => {
  const trace = parseTrace(TINY, 'tiny.csv');
  const big = { cores: 4, memory: 1000, disk: 1000 };

  it('--enforce cores: fewer cores than used is an exhaustion charged in full, and cores climb like memory', () => {
    const t = parseTrace('task,category,cores,memory_mb,disk_mb,wall_s\nb,c,3,100,10,10\n', 'b.csv');
    const r = replay(t, { mode: 'cost-bucketing', workers: 1, worker: big, enforce: ['cores', 'memory', 'disk'],
      settings: { probe: { cores: 1, memory: 200, disk: 200 } } });
    // Stopped at 1 core (the monitor saw no more than that), then 2, then 4: never stretched.
    assert.deepEqual(r.tasks[0].attempts.map((a) => [a.allocation.cores, a.outcome, a.exhausted, a.duration]), [
      [1, 'exhausted', ['cores'], 10], [2, 'exhausted', ['cores'], 10], [4, 'success', [], 10],
    ]);
    near(r.stats.resources.cores.timeWeighted, 30 / 70);
  });

  it('--order sequential runs one task at a time; --cold-start gives the first tasks a whole worker', () => {
    const r = replay(trace, { mode: 'oracle', workers: 1, worker, order: 'sequential' });
    assert.equal(r.makespan, 30);
    const c = replay(trace, { mode: 'cost-bucketing', workers: 1, worker, order: 'sequential', coldStart: 1 });
    assert.deepEqual(c.tasks[0].attempts.map((a) => [a.allocation.cores, a.allocation.memory, a.start]), [[2, 1000, 0]]);
    assert.equal(c.tasks[1].attempts[0].start, 10);
  });

  it('keepTasks false keeps the same figures without the tasks', () => {
    const kept = replay(trace, { mode: 'cost-bucketing', workers: 1, worker });
    const lean = replay(trace, { mode: 'cost-bucketing', workers: 1, worker, keepTasks: false });
    assert.equal(lean.tasks.length, 0);
    assert.deepEqual(lean.stats, kept.stats);
    assert.equal(lean.makespan, kept.makespan);
  });
});

describe('allocation: trace errors', () => {
  const bad = (text: string, message: RegExp) => assert.throws(() => parseTrace(text, 'x.csv'), message);
  const header = 'task,category,cores,memory_mb,disk_mb,wall_s\n';

  it('names file:line, what was expected and what was given', () => {
    bad('task,category,cores,memory,disk_mb,wall_s\n', /^TraceError: x\.csv:1: expected the header task,category,cores,memory_mb,disk_mb,wall_s, got task,category,cores,memory,disk_mb,wall_s$/);
    bad('', /x\.csv:1: expected the header .*, got an empty file/);
    bad(`${header}t1,c,1,100,10,10\nt2,c,1,100\n`, /x\.csv:3: expected 6 columns \(task,category,cores,memory_mb,disk_mb,wall_s\), got 4/);
    bad(`${header}t1,c,one,100,10,10\n`, /x\.csv:2: column cores expects a number >= 0, got "one"/);
    bad(`${header}t1,c,1,-5,10,10\n`, /x\.csv:2: column memory_mb expects a number >= 0, got "-5"/);
    bad(`${header}t1,,1,5,10,10\n`, /x\.csv:2: column category expects a name, got nothing/);
    bad(`${header}t1,c,1,5,10,10\nt1,c,1,5,10,10\n`, /x\.csv:3: expected one row per task, got task "t1" again \(first on line 2\)/);
    bad(header, /x\.csv: expected at least one task after the header, got none/);
    bad(`${header}"t1,c,1,5,10,10\n`, /x\.csv:\d+: not valid CSV/);
  });
});
