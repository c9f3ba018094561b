// Priors for categories with little history: a hint, the parent family, or the pool of every category,
// blended toward the category's own history as its completions grow.
import assert from 'node:assert/strict';
import { CategoryPool, parentsOf } from '../../lib/allocation/category-pool.js';

const worker = { cores: 16, memory: 64000, disk: 64000 };
const task = (memory: number) => ({ cores: 1, memory, disk: 10, wallTime: 10 });

describe('allocation: priors for new categories', () => {
  it('names the parent families nearest first', () => {
    assert.deepEqual(parentsOf('sim/large/x'), ['sim/large', 'sim']);
    assert.deepEqual(parentsOf('sim'), []);
  });

  it('a new child category starts from its parent family, not the probe, and blends toward its own history', () => {
    const pool = new CategoryPool({ mode: 'cost-bucketing', worker, priorSamples: 4 });
    const probe = pool.get('other').firstAllocation().memory;
    for (let i = 0; i < 10; i++) pool.observe('sim', task(30000), 'success');
    const parent = pool.get('sim').firstAllocation().memory;
    assert.ok(parent >= 30000, `parent ${parent}`);
    assert.equal(pool.get('sim/large').firstAllocation().memory, parent);
    assert.notEqual(parent, probe);
    // Two of four completions at 2000 MB: half own, half prior.
    pool.observe('sim/large', task(2000), 'success');
    pool.observe('sim/large', task(2000), 'success');
    const own = 2000;
    const blended = pool.get('sim/large').firstAllocation().memory;
    assert.ok(blended < parent && blended > own, `blended ${blended}`);
  });

  it('a category with no family uses the pool of every category; a hint wins over both', () => {
    const pool = new CategoryPool({ mode: 'cost-bucketing', worker, priorSamples: 2, hints: { hinted: { memory: 5000 } } });
    pool.observe('a', task(8000), 'success');
    pool.observe('b', task(8000), 'success');
    assert.ok(pool.get('new').firstAllocation().memory >= 8000);
    assert.equal(pool.get('hinted').firstAllocation().memory, 5000);
    assert.throws(() => new CategoryPool({ priorSamples: -1 }), /priorSamples: expected an integer >= 0, got -1/);
  });
});
