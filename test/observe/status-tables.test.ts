// `trellis status` tables: readable on a 100-column terminal, with units, and "unlimited" where 0 means it.
import assert from 'node:assert/strict';
import { statusText, mb } from '../../lib/dashboard/status-tables.js';
import type { StatusView } from '../../lib/logs/observed-manager.js';

function busyStatus(): StatusView {
  const now = Date.now() / 1000;
  const workers = Array.from({ length: 3 }, (_, i) => ({
    name: `node${String(i).padStart(3, '0')}.cluster.example.org:41234`, host: `node${i}.cluster.example.org`,
    resources: { cores: 64, memory: 262144, disk: 1_000_000, gpus: 4 }, inUse: { cores: 63, memory: 250000, disk: 40000, gpus: 4 },
    running: 63, queuedOnWorker: 12, tasksDone: 123456, connectedAt: now - 7200,
  }));
  const alloc = { cores: 16, memory: 65536, disk: 102400, gpus: 1 };
  const measured = { wallTime: 12345.678, cpuTime: 98765.432, memory: 60000.5 };
  return {
    name: 'a-long-project-name', workers,
    tasks: { preparing: 0, waiting: 1_000_000, running: 189, done: 123456, retrieved: 123000 },
    categories: ['simulation/large-ensemble', 'post-processing'].map((name, i) => ({
      name, mode: i ? 'exhaustive-bucketing' : 'cost-bucketing', waiting: 999_999, running: 100, done: 123456, exhaustions: 4321,
      allocation: i ? { cores: 1, memory: 0, disk: 0, gpus: 0 } : alloc,
      measuredMax: { cores: 15.91, memory: 60000.25, disk: 99999.9 }, efficiency: { cores: 0.91, memory: 0.456, disk: 0.1 },
    })),
    taskList: {
      running: [{ id: 1234567, category: 'simulation/large-ensemble', worker: workers[0].name, allocation: alloc, dispatched: now - 300 }],
      recent: [{ id: 1234566, category: 'simulation/large-ensemble', result: 'resource-exhaustion', worker: workers[1].name,
        allocation: alloc, measured }],
    },
  } as unknown as StatusView;
}

describe('status tables', () => {
  it('fit 100 columns for a busy manager with long names', () => {
    const text = statusText(busyStatus(), 'manager.cluster.example.org:9123', []);
    const wide = text.split('\n').filter((l) => [...l].length > 100);
    assert.deepEqual(wide, [], `lines over 100 columns:\n${wide.join('\n')}`);
  });

  it('spell out units and "unlimited", with no dotted field names', () => {
    const text = statusText(busyStatus(), 'here', ['categories']);
    assert.match(text, /post-processing +1, unlimited, unlimited/);
    assert.match(text, /simulation\/large-ensemble +16, 64\.0 GB, 100\.0 GB, 1 gpu/);
    assert.match(text, /cores 91%, mem 46%/);
    assert.doesNotMatch(text, /measuredMax|allocation\.memory/);
  });

  it('show a measured fraction of a MB in KB, never as 0 MB', () => {
    assert.equal(mb(0.017), '17 KB');
    assert.equal(mb(0.0001), '1 KB');
    assert.equal(mb(0), '0 MB');
    assert.equal(mb(20480), '20.0 GB');
  });
});
