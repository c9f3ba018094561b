import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { encodeFast, decodeFast } from '../../protocol/fast-codec.js';
import type { FunctionTaskSpec, TaskResult } from '../../protocol/messages.js';

describe('compact frames for function tasks and results', () => {
  it('round-trips a function task and a successful result exactly', () => {
    const task: FunctionTaskSpec = { type: 'task', kind: 'function', id: 4_000_000_000, env: 'ab'.repeat(32), exportName: 'fünf',
      args: serialize([1, 'x']), resources: { cores: 0.5, memory: 512, disk: 0, gpus: 1 }, wallTime: null };
    const back = decodeFast(encodeFast(task)!) as FunctionTaskSpec;
    assert.deepEqual({ ...back, args: Buffer.from(back.args) }, { ...task, args: Buffer.from(task.args) });
    const timed = decodeFast(encodeFast({ ...task, wallTime: 2.5 })!) as FunctionTaskSpec;
    assert.equal(timed.wallTime, 2.5);
    const result: TaskResult = { type: 'result', id: 7, outcome: 'success', value: serialize(new Map([[1, 2]])), started: 1.25, finished: 2.5,
      measured: { cpuTime: 0.5, memory: 12.25 } };
    const r = decodeFast(encodeFast(result)!) as TaskResult;
    assert.deepEqual({ ...r, value: Buffer.from(r.value!) }, { ...result, value: Buffer.from(result.value!) });
  });

  it('leaves the asked headroom free in front of the body', () => {
    const task: FunctionTaskSpec = { type: 'task', kind: 'function', id: 9, env: 'cd'.repeat(32), exportName: 'f',
      args: serialize([]), resources: { cores: 1, memory: 0, disk: 0, gpus: 0 }, wallTime: null };
    const plain = encodeFast(task)!;
    const framed = encodeFast(task, 4)!;
    assert.equal(framed.length, plain.length + 4);
    assert.deepEqual(framed.subarray(4), plain);
    const result: TaskResult = { type: 'result', id: 9, outcome: 'success', value: serialize(null), started: 1, finished: 2 };
    assert.deepEqual(encodeFast(result, 4)!.subarray(4), encodeFast(result)!);
  });

  it('leaves other messages to the V8 serializer and refuses a truncated compact frame', () => {
    assert.equal(encodeFast({ type: 'result', id: 1, outcome: 'exception', error: { name: 'E', message: 'm' }, started: 0, finished: 0 }), null);
    assert.equal(decodeFast(serialize({ type: 'ping' })), undefined);
    assert.throws(() => decodeFast(Buffer.from([2, 0, 0])), /truncated|out of range/);
  });
});
