// remote() and submit()/wait() end to end through Manager.local(): real threads, real loopback TCP.
import assert from 'node:assert/strict';
import { remote, Manager, FunctionTask, OptionError, TaskFailedError } from '../../lib/index.js';
import { until } from '../helpers/worker-process.js';

const OFFSET = 10;

function add(a: number, b: number): number {
  return a + b + OFFSET - OFFSET;
}

class ValidationError extends Error {}

for (const dispatch of ['inline', 'thread'] as const) describe(`Manager.local() and remote(), dispatch ${dispatch}`, function () {
  let manager: Manager;
  before(() => { manager = Manager.local({ log: false, cores: 2, dispatch }); });
  after(async () => { await manager.close(); });

  it('returns a function result computed on a worker, with its TypeScript type', async () => {
    const radd = remote(add, { manager });
    const sum: number = await radd(1, 2);
    assert.equal(sum, 3);
  });

  it('round-trips structured values: Map, Set, Date, BigInt, typed arrays, nested objects', async () => {
    const echo = remote(function echo<T>(v: T): T { return v; }, { manager });
    const value = { m: new Map([[1, 'a']]), s: new Set(['x']), d: new Date(1700000000000), big: 2n ** 70n,
      f: new Float64Array([1.5, -2]), nested: { list: [1, null, 'z'] } };
    assert.deepEqual(await echo(value), value);
  });

  it('rejects with the remote error: class name, message, code, own properties and both stacks', async () => {
    const fail = remote(function validate(field: string) {
      const e = new ValidationError(`field ${field} is wrong`) as ValidationError & { code: string; field: string };
      e.name = 'ValidationError';
      e.code = 'E_FIELD';
      e.field = field;
      throw e;
    }, { manager });
    const err = await fail('age').then(() => null, (e: unknown) => e as Error & { code: string; field: string });
    assert.ok(err);
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.message, 'field age is wrong');
    assert.equal(err.code, 'E_FIELD');
    assert.equal(err.field, 'age');
    assert.match(err.stack!, /validate/);
    assert.match(err.stack!, /called remotely from[\s\S]*local-pool\.test\.js/);
  });

  it('keeps TypeError as a TypeError and async rejections as errors', async () => {
    const bad = remote(async function parse(s: string) { await Promise.resolve(); return JSON.parse(s) as unknown; }, { manager });
    await assert.rejects(bad('{'), (e: Error) => e instanceof SyntaxError && /JSON/.test(e.message));
  });

  it('stops a runaway call at its wall time and keeps serving', async () => {
    const spin = remote(function spin() { for (;;) { /* never returns */ } }, { manager, wallTime: 0.5 });
    await assert.rejects(spin(), (e: TaskFailedError) => e.result === 'max-wall-time' && e.code === 'TRELLIS_MAX_WALL_TIME');
    assert.equal(await remote(add, { manager })(2, 2), 4);
  });

  it('fails a call that exits its thread or throws asynchronously, and replaces the thread', async () => {
    const quit = remote(function quit() { process.exit(3); }, { manager });
    await assert.rejects(quit(), (e: TaskFailedError) => e.result === 'thread-crash');
    const later = remote(function later() {
      setTimeout(() => { throw new Error('boom later'); }, 1);
      return new Promise(() => {});
    }, { manager });
    await assert.rejects(later(), (e: TaskFailedError) => e.result === 'thread-crash' && /boom later/.test(e.message));
    const results = await Promise.all([1, 2, 3, 4].map((i) => remote(add, { manager })(i, i)));
    assert.deepEqual(results, [2, 4, 6, 8]);
  });

  it('a call that kills its thread fails alone, even among many short calls batched into threads', async () => {
    const maybeQuit = remote(function maybeQuit(i: number) { if (i === 150) process.exit(1); return i; }, { manager });
    await Promise.all([-1, -2, -3, -4, -5].map((i) => maybeQuit(i))); // the category is now known to be short
    const settled = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => maybeQuit(i)));
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [[i, (s.reason as TaskFailedError).result]] : []));
    assert.deepEqual(failed, [[150, 'thread-crash']]);
    assert.deepEqual(settled.filter((s) => s.status === 'fulfilled').length, 299);
  });

  it('submit()/wait() return each finished task once, with result, output, worker and timings', async () => {
    const ids = new Set([1, 2, 3].map((n) => manager.submit(new FunctionTask(add, n, 100))));
    const seen: number[] = [];
    for (let t = await manager.wait(10); t; t = await manager.wait(10)) {
      assert.ok(ids.has(t.id));
      assert.equal(t.result, 'success');
      assert.equal((t as FunctionTask).output, 100 + ((t as FunctionTask).args[0] as number));
      assert.ok(t.worker);
      assert.ok(t.times.finished >= t.times.started && t.times.started >= t.times.submitted - 1);
      seen.push(t.id);
    }
    assert.deepEqual(seen.sort(), [...ids].sort());
    assert.equal(manager.empty(), true);
  });

  it('cancels a running task', async () => {
    const id = manager.submit(new FunctionTask(function nap(ms: number) { return new Promise((r) => setTimeout(r, ms)); }, 5000));
    await until(() => manager.status().tasks.running === 1, 20_000, 'the task to run');
    assert.equal(manager.cancel(id), true);
    const t = await manager.wait(5);
    assert.equal(t?.id, id);
    assert.equal(t?.result, 'cancelled');
  });

  it('rejects bad options at once, naming the option, the expectation and the value', () => {
    assert.throws(() => remote(add, { cores: -1 }), (e: Error) => e instanceof OptionError && /"cores" expects a number >= 0, got -1/.test(e.message));
    assert.throws(() => remote(add, { memory: 'lots' as unknown as number }), /"memory" expects a number >= 0, got "lots"/);
    assert.throws(() => remote(add, { colour: 'red' } as never), /unknown option "colour"/);
    assert.throws(() => remote(42 as never), /expected a function, got 42/);
    assert.throws(() => manager.tune('warp-speed', 9), /unknown name "warp-speed"; expected one of/);
    assert.throws(() => manager.tune('prefetch', -2), /"prefetch" expects an integer >= 0 or 'auto', got -2/);
    assert.throws(() => Manager.local({ cacheSize: 0 }), /"cacheSize" expects a number of MB > 0, got 0/);
  });

  it('refuses a function that captures a variable of an enclosing function, naming it', () => {
    const factor = 3;
    assert.throws(() => remote(function scale(x: number) { return x * factor; }), /factor/);
  });

  it('reports workers and tasks in status()', async () => {
    // With a dispatcher thread, status() is a snapshot the thread refreshes: wait for it to catch up.
    await until(() => manager.status().tasks.running === 0, 20_000, 'the cancelled task to leave status()');
    const s = manager.status();
    assert.equal(s.dispatch, dispatch);
    assert.equal(s.workers.length, 1);
    assert.equal(s.workers[0].resources.cores, 2);
    assert.equal(s.tasks.running, 0);
    assert.ok(s.tasks.done > 0);
  });
});
