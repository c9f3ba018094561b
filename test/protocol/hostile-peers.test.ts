// A manager facing hostile peers with real sockets: forged and malformed results (fuzzed field by field) from an
// authenticated worker, oversized frames, silent connections, a flood of connections. The application survives
// each one and the task is retried elsewhere.
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager, remote } from '../../lib/index.js';
import { Worker } from '../../runtime/worker.js';
import { frameHeader } from '../../protocol/frame-codec.js';
import { MESSAGE_KINDS } from '../../protocol/messages.js';
import { RawPeer, authenticatedWorker, frame, openSocket, v8Frame } from '../helpers/raw-peer.js';
import { until } from '../helpers/worker-process.js';

const PASSWORD = 'hostile test';

function triple(n: number): number {
  return n * 3;
}

/** A compact success frame (first body byte 2) as fast-codec.ts lays it out, with the given value bytes. */
function compactSuccess(id: number, value: Buffer, started = 1, finished = 2, cpu = -1, memory = -1): Buffer {
  const head = Buffer.alloc(37);
  head[0] = 2;
  head.writeUInt32BE(id, 1);
  head.writeDoubleBE(started, 5);
  head.writeDoubleBE(finished, 13);
  head.writeDoubleBE(cpu, 21);
  head.writeDoubleBE(memory, 29);
  return frame('result', Buffer.concat([head, value]));
}

/** Bad results for task `id`, one field at a time, each with what the manager's log should say about it. */
function forgedResults(id: number): { name: string; bytes: Buffer; says: RegExp }[] {
  const good = { type: 'result', id, outcome: 'success', value: serialize(42), started: 1, finished: 2, measured: { cpuTime: 0.1, memory: 10 } } as const;
  const v8 = (patch: Record<string, unknown>) => v8Frame({ ...good, ...patch } as never);
  return [
    { name: 'compact value garbage', bytes: compactSuccess(id, Buffer.from([0xff, 0x0f, 0x99, 0x01])), says: /value does not decode/ },
    { name: 'compact truncated', bytes: frame('result', Buffer.from([2, 0, 0])), says: /not a Trellis message/ },
    { name: 'compact NaN times', bytes: compactSuccess(id, serialize(1), NaN, 2), says: /"started" to be a finite number/ },
    { name: 'value garbage', bytes: v8({ value: Buffer.from([1, 2, 3]) }), says: /value does not decode/ },
    { name: 'value a string', bytes: v8({ value: 'FORGED' }), says: /"value" to be bytes/ },
    { name: 'error props garbage', bytes: v8({ outcome: 'exception', value: undefined, error: { name: 'Error', message: 'x', props: Buffer.from([9, 9]) } }), says: /properties do not decode/ },
    { name: 'error props not an object', bytes: v8({ outcome: 'exception', value: undefined, error: { name: 'Error', message: 'x', props: serialize(7) } }), says: /properties to decode to an object/ },
    { name: 'error a string', bytes: v8({ outcome: 'exception', error: 'boom' }), says: /"error" to be an object/ },
    { name: 'error name a number', bytes: v8({ outcome: 'exception', error: { name: 5, message: 'x' } }), says: /"name" to be a string/ },
    { name: 'error code an object', bytes: v8({ outcome: 'exception', error: { name: 'E', message: 'x', code: { a: 1 } } }), says: /"code" to be a string, number/ },
    { name: 'measured empty', bytes: v8({ measured: {} }), says: /"cpuTime" to be a finite number/ },
    { name: 'measured memory an object', bytes: v8({ measured: { cpuTime: 1, memory: {} } }), says: /"memory" to be a finite number/ },
    { name: 'measured negative', bytes: v8({ measured: { cpuTime: -1, memory: 1 } }), says: /"cpuTime" to be a finite number >= 0, got number -1/ },
    { name: 'measured a string', bytes: v8({ measured: 'lots' }), says: /"measured" to be an object/ },
    { name: 'coresPeak Infinity', bytes: v8({ measured: { cpuTime: 1, memory: 1, coresPeak: Infinity } }), says: /"coresPeak"/ },
    { name: 'started a string', bytes: v8({ started: 'now' }), says: /"started" to be a finite number/ },
    { name: 'finished before started', bytes: v8({ started: 5, finished: 1 }), says: /is before "started"/ },
    { name: 'outcome unknown', bytes: v8({ outcome: 'pwned' }), says: /"outcome" to be one of/ },
    { name: 'id a string', bytes: v8({ id: 'one' }), says: /"id" to be an integer/ },
    { name: 'gpuIds strings', bytes: v8({ gpuIds: ['a'] }), says: /"gpuIds"/ },
    { name: 'outputs a string', bytes: v8({ outputs: 'x' }), says: /"outputs"/ },
    { name: 'exhausted resource unknown', bytes: v8({ outcome: 'resource-exhaustion', exhausted: { resource: 'cpu', allocated: 1, measured: 2 } }), says: /"exhausted"/ },
    { name: 'exitCode fractional', bytes: v8({ exitCode: 1.5 }), says: /"exitCode"/ },
    { name: 'stdout a number', bytes: v8({ stdout: 5 }), says: /"stdout"/ },
    { name: 'body not an object', bytes: frame('result', serialize([1, 2])), says: /expected a "result" message/ },
    { name: 'header kind and body differ', bytes: v8Frame({ type: 'announce', name: 'x' } as never, 'result'), says: /header says "result" but the body is/ },
    { name: 'a kind a worker may not send', bytes: v8Frame({ type: 'task' } as never), says: /a worker may not send "task"/ },
    { name: 'unknown kind', bytes: frame(200, Buffer.alloc(3)), says: /unknown frame kind 200/ },
    { name: 'body garbage', bytes: frame('result', Buffer.from('not v8 at all')), says: /not a Trellis message/ },
  ];
}

for (const dispatch of ['inline', 'thread'] as const) describe(`hostile peers (dispatch ${dispatch}): the manager survives and the task is retried`, function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-hostile-'));
  let logs: string[];
  let manager: Manager;
  let port: number;
  let events: { type: string; worker?: { name: string }; reason?: string }[];
  const failures: unknown[] = [];
  const onUncaught = (err: unknown) => failures.push(err);

  before(() => { process.on('uncaughtException', onUncaught); process.on('unhandledRejection', onUncaught); });
  after(() => { process.off('uncaughtException', onUncaught); process.off('unhandledRejection', onUncaught); });
  beforeEach(async () => {
    logs = [];
    events = [];
    manager = new Manager({ host: '127.0.0.1', port: 0, password: PASSWORD, log: (l) => logs.push(l), dispatch });
    manager.onEvent((e) => events.push(e as never));
    port = await manager.listen();
  });
  afterEach(async () => {
    await manager.close();
  });

  it('forged results, fuzzed field by field, close only that link; the task then succeeds on a real worker', async () => {
    const cases = forgedResults(0).length;
    const call = remote(triple, { manager, retries: cases + 1 });
    const result = call(14);
    for (const [i, c] of forgedResults(0).entries()) {
      const hostile = await authenticatedWorker(port, PASSWORD, true, `hostile-${i}`);
      await until(() => hostile.tasks.length > 0, 20_000, `the task to reach hostile-${i}`);
      const id = hostile.tasks[0].id as number;
      const bad = forgedResults(id)[i];
      hostile.conn.socket.write(bad.bytes);
      const closed = await hostile.closed;
      assert.match(closed.reason, bad.says, `${c.name}: the worker is told why`);
      assert.match(closed.reason, /bad (frame|message)/, c.name);
      await until(() => events.some((e) => e.type === 'worker-disconnect' && e.worker?.name === `hostile-${i}`), 10_000, `${c.name}: disconnect event`);
      const ev = events.find((e) => e.type === 'worker-disconnect' && e.worker?.name === `hostile-${i}`)!;
      assert.match(ev.reason!, bad.says, `${c.name}: the event log names the worker and what it sent`);
    }
    await until(() => logs.some((l) => /worker hostile-3 disconnected \(.*value does not decode.*\); 1 task\(s\) back in the queue/.test(l)), 10_000, 'the disconnect logged');
    // A real worker takes the task over.
    const real = new Worker({ host: '127.0.0.1', port, password: PASSWORD, cores: 1, log: false, cacheDir: join(dir, 'cache') });
    const running = real.run();
    assert.equal(await result, 42);
    real.stop('test over');
    await running;
    assert.deepEqual(failures, [], 'the application saw no exception');
  });

  it('a result for a task the worker was not given is ignored; a second announce closes the link', async () => {
    const hostile = await authenticatedWorker(port, PASSWORD);
    hostile.conn.socket.write(v8Frame({ type: 'result', id: 12345, outcome: 'success', value: serialize('FORGED'), started: 1, finished: 2 }));
    await until(() => manager.status().workers.length === 1, 10_000, 'the hostile worker');
    hostile.conn.socket.write(v8Frame({ type: 'announce', name: 'again', host: 'h', pid: 1, resources: { cores: 1, memory: 1, disk: 1, gpus: 0 }, wallTimeLeft: null }));
    const closed = await hostile.closed;
    assert.match(closed.reason, /sent a second "announce"/);
    assert.equal(manager.status().tasks.done, 0);
  });

  it('refuses oversized frames on their header, before and after authentication', async () => {
    const early = await RawPeer.open(port, true);
    early.write(frameHeader(100_000, MESSAGE_KINDS.hello));
    await early.closed;
    assert.equal(early.fatal()?.code, 'bad-frame');
    assert.match(early.fatal()!.message, /"hello" frame of 100000 bytes exceeds the maximum of 1024 bytes/);
    const hostile = await authenticatedWorker(port, PASSWORD);
    hostile.conn.socket.write(frameHeader(2 ** 31, MESSAGE_KINDS.result));
    const closed = await hostile.closed;
    assert.match(closed.reason, /"result" frame of 2147483648 bytes exceeds the maximum of 536870912 bytes/);
    const small = await authenticatedWorker(port, PASSWORD);
    small.conn.socket.write(frameHeader(1_000_000, MESSAGE_KINDS['env-request']));
    assert.match((await small.closed).reason, /"env-request" frame of 1000000 bytes exceeds the maximum of 256 bytes/);
    const { queryStatus } = await import('../../lib/index.js');
    assert.equal((await queryStatus({ host: '127.0.0.1', port, password: PASSWORD })).workers.length, 0, 'the manager still serves');
  });

  it('drops a connection that stays silent past the handshake timeout, in TLS or before it', async () => {
    manager.tune('handshake-timeout', 0.5);
    const silentTls = await RawPeer.open(port, true);
    const silentTcp = await openSocket(port, false);
    const tcpClosed = new Promise<void>((resolve) => silentTcp.once('close', () => resolve()));
    await silentTls.closed;
    await tcpClosed;
    await until(() => logs.some((l) => /no completed handshake within 0.5 s|did not complete in 0.5 s/.test(l)), 10_000, 'the timeout logged');
  });

  it('caps connections that have not authenticated; the cap frees as they go', async () => {
    manager.tune('max-pending-connections', 3);
    const idle = await Promise.all([0, 1, 2].map(() => openSocket(port, false)));
    const extra = await openSocket(port, false);
    await new Promise<void>((resolve) => extra.once('close', () => resolve()));
    await until(() => logs.some((l) => /refused 1 connection\(s\) .*3 connections have not completed the handshake yet/.test(l)), 10_000, 'the refusal logged');
    for (const s of idle) s.destroy();
    const real = new Worker({ host: '127.0.0.1', port, password: PASSWORD, cores: 1, log: false, cacheDir: join(dir, 'cache') });
    const running = real.run();
    assert.equal(await remote(triple, { manager })(5), 15);
    real.stop('test over');
    await running;
  });
});

describe('hostile manager: a worker survives malformed frames from a peer that knows the password', function () {
  it('closes the link with the reason and reconnects; nothing it was sent runs', async () => {
    const { createServer } = await import('node:net');
    const { Connection } = await import('../../protocol/connection.js');
    const reasons: string[] = [];
    let links = 0;
    const bad = [
      v8Frame({ type: 'task', kind: 'command', id: 1, command: 'touch /tmp/never', env: 'x', inputs: [], outputs: [],
        resources: { cores: 1, memory: 0, disk: 0, gpus: 0 }, wallTime: null } as never),
      v8Frame({ type: 'task', kind: 'function', id: 2, env: 'zz', exportName: 'f', args: 'x', resources: { cores: 'x' }, wallTime: null } as never),
      v8Frame({ type: 'env', hash: 5, code: null } as never),
      frame('task', Buffer.from([1, 0, 0])),
    ];
    const server = createServer((socket) => {
      const conn = new Connection(socket, { role: 'manager', password: PASSWORD, log: () => {}, label: 'worker' });
      conn.onMessage = (m) => {
        if (m.type !== 'announce') return;
        const k = links++;
        if (k < bad.length) socket.write(bad[k]);
      };
      conn.onClose = (reason) => reasons.push(reason);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fakePort = (server.address() as { port: number }).port;
    const w = new Worker({ host: '127.0.0.1', port: fakePort, password: PASSWORD, cores: 1, log: false, insecurePlaintext: true,
      cacheDir: mkdtempSync(join(tmpdir(), 'trellis-hostile-mgr-')) });
    const running = w.run();
    await until(() => links > bad.length, 30_000, 'the worker to reconnect after each bad frame');
    w.stop('test over');
    await running;
    server.close();
    assert.match(reasons[0], /"env" to be an object of strings/);
    assert.match(reasons[1], /"resources.cores" to be a finite number/);
    assert.match(reasons[2], /env: expected "hash" to be a sha256/);
    assert.match(reasons[3], /not a Trellis message|truncated/);
    assert.equal(w.tasksDone, 0);
  });
});

