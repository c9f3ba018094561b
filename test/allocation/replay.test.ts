// The replay on a tiny trace with efficiency, retries and makespan checked by hand, and trace errors.
import assert from 'node:assert/strict';
import { parseTrace } from '../../lib/allocation/replay/trace.js';
import { replay } from '../../lib/allocation/replay/simulate.js';
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

  it('cost-bucketing: both probe at 1 core/500 MB; t2 fails at 20 s and reruns at 1000 MB until 40 s', () => {
    const r = replay(trace, { mode: 'cost-bucketing', workers: 1, worker });
    const [t1, t2] = r.tasks;
    assert.deepEqual(t1.attempts.map((a) => [a.allocation.memory, a.outcome, a.start, a.end]), [[500, 'success', 0, 10]]);
    assert.deepEqual(t2.attempts.map((a) => [a.allocation.memory, a.outcome, a.exhausted, a.start, a.end]),
      [[500, 'exhausted', ['memory'], 0, 20], [1000, 'success', [], 20, 40]]);
    assert.equal(r.makespan, 40);
    assert.equal(r.stats.retries, 1);
    // memory: used 100·10 + 800·20 = 17000; allocated 500·10 + 500·20 + 1000·20 = 35000.
    near(r.stats.resources.memory.used, 17000);
    near(r.stats.resources.memory.allocated, 35000);
    near(r.stats.resources.memory.meanPerTask, (100 / 500 + 800 / 1500) / 2);
    // cores: used 30 core·s, allocated 1·10 + 1·20 + 1·20 = 50.
    near(r.stats.resources.cores.timeWeighted, 30 / 50);
  });

  it('a task larger than a worker fails with a reason, and counts as failed', () => {
    const big = parseTrace('task,category,cores,memory_mb,disk_mb,wall_s\nhuge,c,1,5000,10,5\n', 'big.csv');
    const r = replay(big, { mode: 'oracle', workers: 1, worker });
    assert.match(r.tasks[0].failure ?? '', /asks for more than a worker has/);
    assert.equal(r.stats.failed, 1);
    const m = replay(big, { mode: 'max', workers: 1, worker });
    assert.equal(m.tasks[0].failure, 'memory: needs more than a whole worker (memory=1000 MB)');
  });

  it('efficiencyStats charges every attempt for the whole wall time', () => {
    const s = efficiencyStats([{
      used: { cores: 1, memory: 300, disk: 0 }, wall: 10,
      attempts: [{ allocation: resources({ cores: 1, memory: 100 }), outcome: 'exhausted' }, { allocation: resources({ cores: 1, memory: 400 }), outcome: 'success' }],
    }]);
    near(s.resources.memory.timeWeighted, 3000 / 5000);
    assert.equal(s.retries, 1);
    assert.equal(s.failed, 0);
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
