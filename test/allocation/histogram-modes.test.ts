// Work Queue's modes on small histograms computed by hand (memory buckets of 250 MB, 10 s tasks).
import assert from 'node:assert/strict';
import { Histogram } from '../../lib/allocation/histogram.js';
import { maxSeen, maxThroughput, minWaste } from '../../lib/allocation/histogram-modes.js';

function histogram(values: number[]): Histogram {
  const h = new Histogram(250);
  for (const v of values) h.insert(v, 10);
  return h;
}

describe('allocation: histogram modes', () => {
  // 3 tasks at 200 MB, 1 at 900 MB: buckets 250 (30 s) and 1000 (10 s); E[t] = 10, E[t; r > 250] = 2.5.
  const mostlySmall = () => histogram([200, 200, 200, 900]);
  // 1 task at 200 MB, 4 at 900 MB: E[t] = 10, E[t; r > 250] = 8.
  const mostlyLarge = () => histogram([200, 900, 900, 900, 900]);

  it('keys buckets by their end and sums wall time per bucket', () => {
    assert.deepEqual(mostlySmall().entries(), [{ end: 250, count: 3, time: 30 }, { end: 1000, count: 1, time: 10 }]);
  });

  it('min-waste: a·E[t] + top·E[t; r > a] is 250·10 + 1000·2.5 = 5000 < 1000·10, so 250', () => {
    assert.equal(minWaste(mostlySmall(), 1000), 250);
  });

  it('min-waste: 250·10 + 1000·8 = 10500 > 10000, so 1000', () => {
    assert.equal(minWaste(mostlyLarge(), 1000), 1000);
  });

  it('max-throughput: (1000/250·3 + 1)/(10 + 2.5) = 1.04 beats 4/10, so 250', () => {
    assert.equal(maxThroughput(mostlySmall(), 1000), 250);
  });

  it('max-throughput: (4·1 + 4)/(10 + 8) = 0.44 loses to 5/10, so 1000', () => {
    assert.equal(maxThroughput(mostlyLarge(), 1000), 1000);
  });

  it('max: the largest value plus a third of a bucket, rounded up, within the cap', () => {
    assert.equal(maxSeen(mostlySmall(), Infinity), 1000); // 900 + 83 -> 1000
    assert.equal(maxSeen(mostlySmall(), 800), 800);
  });

  it('min-waste: a cheaper retry (top 600) makes the small first allocation pay: 250·10 + 600·8 = 7300 < 10000', () => {
    assert.equal(minWaste(mostlyLarge(), 600), 250);
  });
});
