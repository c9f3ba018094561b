// TaskVine's bucketing and cost-bucketing on fixed sequences, computed by hand.
import assert from 'node:assert/strict';
import { BucketingState, escalate } from '../../lib/allocation/bucketing.js';
import { greedyBuckets } from '../../lib/allocation/greedy-buckets.js';
import { bucketSetCost, exhaustiveBuckets } from '../../lib/allocation/exhaustive-buckets.js';
import { costPlan, stretchLevel, withUnseenTail } from '../../lib/allocation/cost-ladder.js';
import { LadderState } from '../../lib/allocation/ladder-state.js';

/** A random source that returns the given draws in turn. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('allocation: bucketing', () => {
  // Sequence 10 then 1: significances 1 and 2, so P(1) = 2/3, P(10) = 1/3.
  const points = [{ value: 1, weight: 2 }, { value: 10, weight: 1 }];

  it('greedy: splits when 10·p1·p2 = 2.22 (expected waste of two buckets) < 9·p1 = 6 (one bucket)', () => {
    assert.deepEqual(greedyBuckets(points), [{ value: 1, prob: 2 / 3 }, { value: 10, prob: 1 / 3 }]);
  });

  it('greedy: keeps one bucket when the small values are rare (p2 = 0.95 > 0.9)', () => {
    assert.deepEqual(greedyBuckets([{ value: 1, weight: 1 }, { value: 10, weight: 19 }]), [{ value: 10, prob: 1 }]);
  });

  it('exhaustive: the cost of buckets {1, 10} is p0·p1·9 + p1·p0·1 = 20/9, and it is the cheapest set', () => {
    assert.ok(Math.abs(bucketSetCost(points, [{ value: 1, prob: 2 / 3 }, { value: 10, prob: 1 / 3 }]) - 20 / 9) < 1e-12);
    assert.deepEqual(exhaustiveBuckets(points), [{ value: 1, prob: 2 / 3 }, { value: 10, prob: 1 / 3 }]);
  });

  it('escalates exponentially from the default value: 4 -> 8 -> 16, and 10 -> 16', () => {
    assert.equal(escalate(4, 3), 4);
    assert.equal(escalate(4, 4), 8);
    assert.equal(escalate(4, 8), 16);
    assert.equal(escalate(4, 10), 16);
  });

  for (const kind of ['greedy', 'exhaustive'] as const) {
    it(`${kind}: predictions on a fixed sequence: default, then buckets drawn by probability, then escalation`, () => {
      const s = new BucketingState({ kind, defaultValue: 4, samples: 2 }, draws(0.5, 0.9, 0.1));
      assert.equal(s.predict(null), 4); // sampling phase
      assert.equal(s.predict(4), 8); // exhausted at 4
      s.add(10);
      assert.equal(s.sampling, true);
      s.add(1);
      assert.equal(s.sampling, false);
      assert.deepEqual(s.buckets, [{ value: 1, prob: 2 / 3 }, { value: 10, prob: 1 / 3 }]);
      assert.equal(s.predict(null), 1); // draw 0.5 < 2/3
      assert.equal(s.predict(null), 10); // draw 0.9
      assert.equal(s.predict(1), 10); // retry: only buckets above 1 (draw 0.1)
      assert.equal(s.predict(10), 16); // above every bucket: 4·2^2
    });
  }
});

describe('allocation: cost-bucketing', () => {
  const points = [{ value: 1, weight: 1 }, { value: 10, weight: 1 }];

  it('tries 1 first when a failure costs only the retry: 2·0.1 + 1·1 = 1.2 < 2·1', () => {
    const plan = costPlan(points, 10, 0);
    assert.deepEqual(plan.ladder, [1, 10]);
    assert.equal(plan.next(1), 10);
    assert.equal(plan.next(10), undefined);
  });

  it('goes straight to 10 when each attempt also holds other resources: 2·1.1 + 1·2 = 4.2 > 2·2', () => {
    assert.deepEqual(costPlan(points, 10, 1).ladder, [10]);
  });

  it('weighs tasks by wall time: a long small task makes the small level worth trying', () => {
    assert.deepEqual(costPlan([{ value: 1, weight: 10 }, { value: 10, weight: 1 }], 10, 1).ladder, [1, 10]);
  });

  it('reports the plan\'s cost, and with every value a candidate it is the exact optimum', () => {
    // [1, 10]: 2·(0.1 + 0) + 1·(1 + 0) = 1.2 (unit 10, overhead 0).
    assert.ok(Math.abs(costPlan(points, 10, 0, Infinity).cost - 1.2) < 1e-12);
  });

  it('the unseen task: one more of the mean wall time at twice the largest value', () => {
    assert.deepEqual(withUnseenTail([{ value: 1, weight: 1 }, { value: 10, weight: 3 }]),
      [{ value: 1, weight: 1 }, { value: 10, weight: 3 }, { value: 20, weight: 2 }]);
    assert.deepEqual(withUnseenTail([]), []);
  });

  it('cores (not enforced): one level, priced by the other resources held while a task runs longer', () => {
    // 10 s at 1 core, 10 s at 4 cores, worker of 8. Level 1: the 4-core task runs 40 s:
    // 10·(1/8 + o) + 40·(1/8 + o); level 4: 20·(4/8 + o).
    const cores = [{ value: 1, weight: 10 }, { value: 4, weight: 10 }];
    assert.equal(stretchLevel(cores, 8, 0.5), 4); // 31.25 > 20
    assert.equal(stretchLevel(cores, 8, 0.05), 1); // 8.75 < 11
    assert.equal(stretchLevel([], 8, 0.5), undefined);
  });

  it('probes, starts new tasks where failures pushed the probe, then walks the plan', () => {
    const s = new LadderState(500, 1, () => ({ unit: 1000, overhead: 0 }));
    assert.equal(s.predict(null), 500);
    assert.equal(s.retry(500, 500), 1000); // memory: stopped at its allocation, so double
    assert.equal(s.predict(null), 1000); // the next tasks start there
    const cores = new LadderState(1, 1, () => ({ unit: 8, overhead: 0 }));
    assert.equal(cores.retry(1, 3.5), 3.5); // cores: the monitor saw 3.5 busy, so that much
    s.add(100, 10);
    s.add(800, 1);
    // Points 100 (10 s), 800 (1 s) and the unseen task, 1600 (5.5 s): from the start, 100 then 1600
    // costs 16.5·0.1 + 6.5·1.6 = 12.05, less than 800 first (22) or 1600 first (26.4); above 100,
    // 1600 (6.5·1.6 = 10.4) beats 800 then 1600 (6.5·0.8 + 5.5·1.6 = 14).
    assert.equal(s.predict(null), 100);
    assert.equal(s.retry(100, 100), 1600);
    assert.equal(s.retry(1600, 1600), 3200); // above everything: double
  });

  it('after one completion, a category whose attempts hold other resources starts above what it saw', () => {
    // 100 MB in 10 s, and the unseen task at 200: overhead 0 ties (20·0.1 + 10·0.2 = 20·0.2), so 100;
    // overhead 0.5: 100 first costs 20·0.6 + 10·0.7 = 19 > 20·0.7 = 14, so 200.
    for (const [overhead, first] of [[0, 100], [0.5, 200]]) {
      const s = new LadderState(1000, 1, () => ({ unit: 1000, overhead }));
      s.add(100, 10);
      assert.equal(s.predict(null), first);
    }
  });

  it('a retry at least doubles even when the plan has a smaller next step', () => {
    // 30 tasks at 100 MB and 2 at 120 (1 s each), unseen at 240: the plan is 100, 120, 240
    // (33·0.1 + 3·0.12 + 1·0.24 = 3.9 < 33·0.12 + 1·0.24 = 4.2), but 120 < 2·100.
    const s = new LadderState(1000, 1, () => ({ unit: 1000, overhead: 0 }));
    for (let i = 0; i < 30; i++) s.add(100, 1);
    s.add(120, 1);
    s.add(120, 1);
    assert.deepEqual(s.buckets.map((b) => b.value), [100, 120, 240]);
    assert.equal(s.predict(null), 100);
    assert.equal(s.retry(100, 100), 200);
    assert.equal(s.retry(200, 200), 400);
  });

  it('cores: new tasks get the stretch level; without a worker size, the largest seen', () => {
    const priced = new LadderState(1, 1, () => ({ unit: 8, overhead: 0.05 }), false);
    priced.add(1, 10);
    priced.add(4, 10);
    assert.equal(priced.predict(null), 1);
    const unpriced = new LadderState(1, 1, () => ({ unit: 1, overhead: 0 }), false);
    unpriced.add(1, 10);
    unpriced.add(4, 10);
    assert.equal(unpriced.predict(null), 4);
  });
});
