// CategoryAllocator: the probe, learning, retries at the category maximum or a whole worker, explicit
// maxima and per-task resources, and precise errors.
import assert from 'node:assert/strict';
import { CategoryAllocator } from '../../lib/allocation/category-allocator.js';
import { resources } from '../../lib/allocation/resources.js';

const worker = { cores: 8, memory: 4000, disk: 4000 };
const small = { cores: 1, memory: 200, disk: 100, wallTime: 10 };
const large = { cores: 1, memory: 900, disk: 100, wallTime: 10 };

function feed(c: CategoryAllocator, m: typeof small, times: number): void {
  for (let i = 0; i < times; i++) c.observe(m, 'success');
}

describe('allocation: CategoryAllocator', () => {
  it('probes with 1 core and a per-core share of the worker until it has learned', () => {
    const c = new CategoryAllocator({ mode: 'min-waste', worker, samples: 4, updateEvery: 4 });
    assert.deepEqual(c.firstAllocation(), resources({ cores: 1, memory: 500, disk: 500 }));
    feed(c, small, 3);
    assert.equal(c.state().phase, 'probe');
    assert.equal(c.firstAllocation().memory, 500);
  });

  it('min-waste: learns 250 MB, retries at the largest seen plus 5 %, climbs by doubling to a whole worker, then fails', () => {
    const c = new CategoryAllocator({ mode: 'min-waste', worker, samples: 4, updateEvery: 4 });
    feed(c, small, 3);
    feed(c, large, 1);
    const first = c.firstAllocation();
    // disk: every task used 100 MB, the top (largest seen), which caps the 250 MB bucket.
    assert.deepEqual(first, resources({ cores: 1, memory: 250, disk: 100 }));
    const second = c.nextAllocation(first, ['memory'], { memory: 250 });
    // 900 seen, never exactly: 945.
    assert.deepEqual(second, { retry: true, allocation: resources({ cores: 1, memory: 945, disk: 100 }) });
    // Above everything seen: the probe's doubling ladder (500, 1000, 2000, 4000), not a jump to 4000.
    const third = c.nextAllocation(resources({ cores: 1, memory: 945, disk: 100 }), ['memory']);
    assert.equal(third.retry && third.allocation.memory, 1000);
    const fourth = c.nextAllocation(resources({ cores: 1, memory: 1000, disk: 100 }), ['memory']);
    assert.equal(fourth.retry && fourth.allocation.memory, 2000);
    const fifth = c.nextAllocation(resources({ cores: 1, memory: 2000, disk: 100 }), ['memory']);
    assert.equal(fifth.retry && fifth.allocation.memory, 4000);
    const last = c.nextAllocation(resources({ cores: 1, memory: 4000, disk: 100 }), ['memory']);
    assert.deepEqual(last, { retry: false, resource: 'memory', reason: 'memory: needs more than a whole worker (memory=4000 MB)' });
  });

  it('recomputes the first allocation as completions accumulate', () => {
    const c = new CategoryAllocator({ mode: 'min-waste', worker, samples: 4, updateEvery: 4 });
    feed(c, small, 3);
    feed(c, large, 1);
    assert.equal(c.firstAllocation().memory, 250);
    // The top is the largest seen, 900: 250 costs 250·10 + 900·E[t; r > 250], 1000 costs 1000·10.
    feed(c, large, 12); // 16 completions, 13 large: 2500 + 900·8.125 = 9812 < 10000, still 250
    assert.equal(c.firstAllocation().memory, 250);
    feed(c, large, 4); // 20 completions, 17 large: 2500 + 900·8.5 = 10150 > 10000: 1000, capped at the top
    assert.equal(c.firstAllocation().memory, 900);
  });

  it('an explicit maximum caps retries and fails a task that needs more', () => {
    const c = new CategoryAllocator({ mode: 'max-throughput', worker, max: { memory: 2000 }, samples: 4 });
    feed(c, small, 3);
    feed(c, large, 1);
    const at = resources({ cores: 1, memory: 900, disk: 100 });
    const next = c.nextAllocation(at, ['memory']);
    assert.equal(next.retry && next.allocation.memory, 1000);
    const capped = c.nextAllocation({ ...at, memory: 1000 }, ['memory']);
    assert.equal(capped.retry && capped.allocation.memory, 2000);
    assert.deepEqual(c.nextAllocation({ ...at, memory: 2000 }, ['memory']),
      { retry: false, resource: 'memory', reason: 'memory: needs more than the category maximum (memory=2000 MB)' });
  });

  it('max: first allocation is the largest seen rounded up to its bucket', () => {
    const c = new CategoryAllocator({ mode: 'max', worker, samples: 2 });
    feed(c, small, 1);
    feed(c, large, 1);
    assert.deepEqual(c.firstAllocation(), resources({ cores: 1, memory: 1000, disk: 250 }));
  });

  it('fixed: gives first, else max, else the whole worker, and never retries', () => {
    const c = new CategoryAllocator({ mode: 'fixed', worker, first: { memory: 300 }, max: { disk: 700 } });
    const a = c.firstAllocation();
    assert.deepEqual(a, resources({ cores: 8, memory: 300, disk: 700 }));
    assert.deepEqual(c.nextAllocation(a, ['memory']),
      { retry: false, resource: 'memory', reason: 'memory: exceeded memory=300 MB and mode fixed does not retry' });
  });

  it('per-task resources override the category and are never retried larger', () => {
    const c = new CategoryAllocator({ mode: 'greedy-bucketing', worker });
    const a = c.firstAllocation({ memory: 123, gpus: 1 });
    assert.equal(a.memory, 123);
    assert.equal(a.gpus, 1);
    assert.deepEqual(c.nextAllocation(a, ['memory'], {}, { memory: 123 }),
      { retry: false, resource: 'memory', reason: 'memory: exceeded the task\'s own memory=123 MB' });
  });

  it('during the probe, doubles an exhausted resource, or jumps to what the monitor saw', () => {
    const c = new CategoryAllocator({ mode: 'max', worker });
    const a = c.firstAllocation();
    const next = c.nextAllocation(a, ['memory', 'cores'], { memory: 500, cores: 3.5 });
    assert.deepEqual(next, { retry: true, allocation: resources({ cores: 4, memory: 1000, disk: 500 }) });
  });

  it('cost-bucketing probes with √cores cores and 1/√cores of the memory and disk, within the maximum', () => {
    // 8 cores, 4000 MB: 2.83 cores and ⌊4000 / 2.83⌋ = 1414 MB.
    const probe = resources({ cores: Math.SQRT2 * 2, memory: 1414, disk: 1414 });
    assert.deepEqual(new CategoryAllocator({ mode: 'cost-bucketing', worker }).firstAllocation(), probe);
    assert.deepEqual(new CategoryAllocator({ mode: 'cost-bucketing', worker, max: { memory: 1000 } }).firstAllocation(), { ...probe, memory: 1000 });
    // The other modes keep one core's share.
    assert.deepEqual(new CategoryAllocator({ mode: 'greedy-bucketing', worker }).firstAllocation(), resources({ cores: 1, memory: 500, disk: 500 }));
  });

  it('the probe follows the worker when it is set later', () => {
    const c = new CategoryAllocator({ mode: 'cost-bucketing' });
    assert.deepEqual(c.firstAllocation(), resources({ cores: 1, memory: 1000, disk: 1000 }));
    c.setWorker(worker);
    assert.deepEqual(c.firstAllocation(), resources({ cores: Math.SQRT2 * 2, memory: 1414, disk: 1414 }));
  });

  it('a retry after a memory exhaustion gets at least the cores the monitor saw (cores are not enforced)', () => {
    const c = new CategoryAllocator({ mode: 'greedy-bucketing', worker });
    const a = c.firstAllocation();
    assert.deepEqual(a, resources({ cores: 1, memory: 500, disk: 500 }));
    const next = c.nextAllocation(a, ['memory'], { memory: 500, cores: 3.5 });
    assert.deepEqual(next, { retry: true, allocation: resources({ cores: 3.5, memory: 1000, disk: 500 }) });
    // ... but never more than a whole worker, and never over what the task asked for itself.
    assert.equal((c.nextAllocation(a, ['memory'], { cores: 12 }) as { allocation: { cores: number } }).allocation.cores, 8);
    assert.equal((c.nextAllocation(a, ['memory'], { cores: 3 }, { cores: 1 }) as { allocation: { cores: number } }).allocation.cores, 1);
  });

  it('rejects bad settings, measurements and outcomes with what was expected', () => {
    assert.throws(() => new CategoryAllocator({ mode: 'smallest' as never }),
      /mode: expected one of fixed, max, min-waste, max-throughput, greedy-bucketing, exhaustive-bucketing, cost-bucketing, got "smallest"/);
    assert.throws(() => new CategoryAllocator({ max: { memory: -1 } }), /max.memory: expected a number >= 0, got -1/);
    assert.throws(() => new CategoryAllocator({ first: { ram: 1 } as never }), /first: expected resource names cores, memory, disk, gpus, wallTime, got "ram"/);
    assert.throws(() => new CategoryAllocator({ samples: 0 }), /samples: expected an integer >= 1, got 0/);
    assert.throws(() => new CategoryAllocator({ updateEvery: 1.5 }), /updateEvery: expected an integer >= 1, got 1\.5/);
    assert.throws(() => new CategoryAllocator({ samples: '3' as never }), /samples: expected an integer >= 1, got "3"/);
    const c = new CategoryAllocator({ mode: 'max' });
    assert.throws(() => c.observe(small, 'ok' as never), /observe: expected outcome "success" or "exhausted", got "ok"/);
    assert.throws(() => c.nextAllocation(resources(), []), /expected at least one exhausted resource, got none/);
  });
});

describe('allocation: retries climb a step', () => {
  it('cost-bucketing: a retry at the largest value seen gets the margin, never exactly that value', () => {
    const c = new CategoryAllocator({ mode: 'cost-bucketing', worker: { cores: 16, memory: 64000, disk: 64000 }, overheadWeight: 0 });
    for (let i = 0; i < 40; i++) c.observe({ cores: 1, memory: 1000, disk: 10, wallTime: 10 }, 'success');
    c.observe({ cores: 1, memory: 40417, disk: 10, wallTime: 10 }, 'success');
    const first = c.firstAllocation();
    assert.equal(first.memory, 1000);
    const next = c.nextAllocation(first, ['memory'], { memory: 1000 });
    // The next measured level is 40417: the retry gets 5 % above it, so a task of 40418 MB fits.
    assert.ok(next.retry && next.allocation.memory > 40418 && next.allocation.memory <= 40417 * 1.05 + 1e-6, JSON.stringify(next));
  });

  it('rejects a bad retryMargin or overheadWeight with what was expected', () => {
    assert.throws(() => new CategoryAllocator({ retryMargin: -1 }), /retryMargin: expected a number >= 0, got -1/);
    assert.throws(() => new CategoryAllocator({ overheadWeight: Number.NaN }), /overheadWeight: expected a number >= 0, got null/);
  });
});
