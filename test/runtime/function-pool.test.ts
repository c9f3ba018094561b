// The worker's thread pool: calls run in piscina threads, their values and errors come back encoded, and a
// job is stopped through its CallAbort (the emitter piscina accepts in place of an AbortSignal).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { FunctionPool } from '../../runtime/function-pool.js';
import { CallAbort } from '../../runtime/call-abort.js';
import type { ThreadOutcome } from '../../runtime/thread-task.js';
import { freshDir, removeDir } from '../analyzer/support.js';

describe('runtime: function pool', () => {
  let dir: string;
  let bundle: string;
  const pool = new FunctionPool(1);
  const call = (exportName: string, args: unknown[] = []) => ({ file: bundle, exportName, args: serialize(args), gpuIds: null });

  before(() => {
    dir = freshDir('function-pool');
    bundle = join(dir, 'bundle.mjs');
    writeFileSync(bundle, [
      'export function add(a, b) { return a + b; }',
      'export async function twice(x) { await new Promise((r) => setTimeout(r, 5)); return x * 2; }',
      'export function boom() { throw new TypeError("boom"); }',
      'export async function later() { await null; throw new RangeError("later"); }',
      'export function spin() { for (;;) { /* until stopped */ } }',
    ].join('\n'));
  });
  after(async () => {
    await pool.close();
    removeDir(dir);
  });

  it('runs synchronous and asynchronous calls of one job in order, values encoded', async () => {
    const out = await pool.run([call('add', [2, 3]), call('twice', [21]), call('add', ['a', 'b'])], 0, null, false) as ThreadOutcome[];
    assert.deepEqual(out.map((o) => o.outcome), ['success', 'success', 'success']);
    assert.deepEqual(out.map((o) => deserialize(o.value!)), [5, 42, 'ab']);
    for (const o of out) assert.ok(o.measured && o.finished >= o.started);
  });

  it('reports a throw and a rejection as exceptions, and a missing export as an environment failure', async () => {
    const out = await pool.run([call('boom'), call('later'), call('absent')], 0, null, false) as ThreadOutcome[];
    assert.deepEqual(out.map((o) => o.outcome), ['exception', 'exception', 'environment-failure']);
    assert.deepEqual(out.map((o) => o.error!.name), ['TypeError', 'RangeError', 'Error']);
    assert.match(out[2].error!.message, /does not export a function "absent"/);
  });

  it('stops a running job when its CallAbort fires, with the reason given, and keeps serving', async () => {
    const abort = new CallAbort();
    const running = pool.run([call('spin')], 0, abort, false);
    setTimeout(() => abort.abort({ outcome: 'cancelled', message: 'stopped by the test' }), 100);
    const failed = await running;
    assert.ok(!Array.isArray(failed));
    assert.equal(failed.outcome, 'cancelled');
    assert.equal(failed.error.message, 'stopped by the test');
    const next = await pool.run([call('add', [1, 1])], 0, null, false) as ThreadOutcome[];
    assert.equal(deserialize(next[0].value!), 2);
  });
});
