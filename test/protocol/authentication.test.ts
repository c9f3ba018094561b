// Attacks on the handshake with real sockets: a relay between a worker and the manager, a replayed proof, wrong
// passwords on either side, a fake manager, another protocol version.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import { serialize } from 'node:v8';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { Manager, CommandTask, FunctionTask } from '../../lib/index.js';
import { Worker } from '../../runtime/worker.js';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import { RawPeer, openSocket, v8Frame } from '../helpers/raw-peer.js';
import { until } from '../helpers/worker-process.js';

const PASSWORD = 'the real password';

function answer(n: number): number {
  return n * 2;
}

/** A server the test controls: each accepted socket (TLS done when `tls`) goes to `onSocket`. */
async function rogueServer(tls: boolean, onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const pair = await generate([{ name: 'commonName', value: 'rogue' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
  const context = createSecureContext({ key: pair.private, cert: pair.cert });
  const server = createServer((raw) => {
    raw.on('error', () => {});
    if (!tls) return onSocket(raw);
    const t = new TLSSocket(raw, { isServer: true, secureContext: context });
    t.on('error', () => {});
    t.once('secure', () => onSocket(t));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('authentication: relays, replays and wrong passwords fail', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-auth-'));
  let logs: string[];
  let manager: Manager;
  let port: number;
  const cleanup: (() => unknown)[] = [];

  beforeEach(async () => {
    logs = [];
    manager = new Manager({ host: '127.0.0.1', port: 0, password: PASSWORD, log: (l) => logs.push(l) });
    port = await manager.listen();
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
    await manager.close();
  });

  it('a relay between a worker and the manager (TLS terminated in the middle) gets neither side to accept it', async () => {
    // The rogue poses as the manager to a real worker and as a worker to the real manager, passing each side's
    // handshake frames to the other unchanged; then, as "manager", it sends the worker a command, and as "worker"
    // it waits for the manager's tasks and bundles.
    const marker = join(dir, 'relayed');
    const fromManager: Record<string, unknown>[] = [];
    const rogue = await rogueServer(true, (victim) => {
      void openSocket(port, true).then((up) => {
        victim.pipe(up);
        up.pipe(victim);
        const seen = new RawPeer(up);
        up.once('close', () => fromManager.push(...seen.received));
        setTimeout(() => victim.write(v8Frame({ type: 'task', kind: 'command', id: 1, command: `touch ${marker}`, env: {}, inputs: [],
          outputs: [], resources: { cores: 1, memory: 0, disk: 0, gpus: 0 }, wallTime: null })), 100);
      });
    });
    cleanup.push(() => rogue.server.close());
    manager.submit(new FunctionTask(answer, 1));
    const victim = new Worker({ host: '127.0.0.1', port: rogue.port, password: PASSWORD, cores: 1, connectTimeout: 5, log: false,
      cacheDir: join(dir, 'cache') });
    // The worker's proof is bound to its TLS session with the rogue: the manager refuses it, and the worker
    // never gets a manager proof for its own session.
    await assert.rejects(victim.run(), /the manager refused this worker's password/);
    assert.ok(logs.some((l) => /did not prove it knows this manager's password/.test(l)), logs.join('\n'));
    await until(() => fromManager.length > 0, 10_000, 'the relayed link to close');
    assert.deepEqual(fromManager.map((m) => m.type), ['hello', 'fatal'], 'the manager sent the relay no task and no bundle');
    assert.equal(existsSync(marker), false, 'the injected command did not run');
    assert.equal(manager.status().workers.length, 0, 'the manager accepted no worker through the relay');
  });

  it('a proof recorded on one link is refused on another (replay), even with the same nonce sent again', async () => {
    await manager.close();
    manager = new Manager({ host: '127.0.0.1', port: 0, password: PASSWORD, insecurePlaintext: true, log: (l) => logs.push(l) });
    port = await manager.listen();
    // Record a real worker's hello and proof through a recording proxy (plain TCP: the attacker can read it).
    const recorded: Buffer[] = [];
    const proxy = await rogueServer(false, (victim) => {
      void openSocket(port, false).then((up) => {
        victim.on('data', (d: Buffer) => { recorded.push(d); up.write(d); });
        up.pipe(victim);
      });
    });
    cleanup.push(() => proxy.server.close());
    const real = new Worker({ host: '127.0.0.1', port: proxy.port, password: PASSWORD, cores: 1, log: false, insecurePlaintext: true,
      cacheDir: join(dir, 'cache') });
    const running = real.run();
    await until(() => manager.status().workers.length === 1, 20_000, 'the real worker through the proxy');
    real.stop('test over');
    await running;
    await until(() => manager.status().workers.length === 0, 20_000, 'the real worker gone');
    // Replay the recorded hello and proof frames on a new link.
    const replay = await RawPeer.open(port, false);
    replay.write(Buffer.concat(recorded).subarray(0, handshakeLength(Buffer.concat(recorded))));
    await replay.closed;
    assert.equal(replay.fatal()?.code, 'password-refused');
    assert.equal(manager.status().workers.length, 0);
  });

  it('a worker with a wrong password is told the manager refused its password; the manager says who failed', async () => {
    const bad = new Worker({ host: '127.0.0.1', port, password: 'not it', cores: 1, connectTimeout: 5, log: false, cacheDir: join(dir, 'cache') });
    await assert.rejects(bad.run(), (err: Error & { code?: string }) =>
      err.code === 'TRELLIS_REFUSED' && /the manager refused this worker's password/.test(err.message));
    assert.ok(logs.some((l) => /the worker at .* did not prove it knows this manager's password/.test(l)), logs.join('\n'));
  });

  it('a worker facing a fake manager is told the manager could not prove it knows the password, and runs nothing', async () => {
    const marker = join(dir, 'fake-manager');
    // The fake manager takes any proof and answers with one of its own making.
    const fake = await rogueServer(true, (s) => {
      const peer = new RawPeer(s);
      s.write(v8Frame({ type: 'hello', protocol: 'trellis', version: PROTOCOL_VERSION, role: 'manager', nonce: 'ab'.repeat(32), auth: true }));
      s.once('data', () => setTimeout(() => {
        s.write(Buffer.concat([v8Frame({ type: 'auth', proof: 'cd'.repeat(32) }), v8Frame({ type: 'task', kind: 'command', id: 1,
          command: `touch ${marker}`, env: {}, inputs: [], outputs: [], resources: { cores: 1, memory: 0, disk: 0, gpus: 0 }, wallTime: null })]));
      }, 50));
      void peer;
    });
    cleanup.push(() => fake.server.close());
    const w = new Worker({ host: '127.0.0.1', port: fake.port, password: PASSWORD, cores: 1, connectTimeout: 5, log: false, cacheDir: join(dir, 'cache') });
    await assert.rejects(w.run(), (err: Error & { code?: string }) =>
      err.code === 'TRELLIS_REFUSED' && /the manager could not prove it knows the password/.test(err.message));
    assert.equal(existsSync(marker), false);
  });

  it('a status client with a wrong password or none is refused with a code', async () => {
    const { queryStatus } = await import('../../lib/index.js');
    await assert.rejects(queryStatus({ host: '127.0.0.1', port, password: 'nope' }),
      (err: Error & { fatalCode?: string }) => err.fatalCode === 'password-refused' && /did not prove it knows/.test(err.message));
    await assert.rejects(queryStatus({ host: '127.0.0.1', port, tls: {} }),
      (err: Error & { fatalCode?: string }) => err.fatalCode === 'password-unexpected' && /requires a password/.test(err.message));
    const s = await queryStatus({ host: '127.0.0.1', port, password: PASSWORD });
    assert.equal(s.workers.length, 0);
  });

  it('refuses a peer that speaks another protocol version, naming both versions, with a code', async () => {
    const peer = await RawPeer.open(port, true);
    peer.write(v8Frame({ type: 'hello', protocol: 'trellis', version: 999, role: 'worker', nonce: 'ab', auth: true, extra: [1] }));
    await peer.closed;
    assert.equal(peer.fatal()?.code, 'version-mismatch');
    assert.match(peer.fatal()!.message, new RegExp(`expected trellis version ${PROTOCOL_VERSION}, peer speaks trellis version 999`));
    assert.ok(logs.some((l) => /protocol mismatch/.test(l)));
  });

  it('a command sent before the handshake completed is refused, not run', async () => {
    const marker = join(dir, 'early');
    const peer = await RawPeer.open(port, true);
    peer.write(v8Frame({ type: 'task', kind: 'command', id: 1, command: `touch ${marker}`, env: {}, inputs: [], outputs: [],
      resources: { cores: 1, memory: 0, disk: 0, gpus: 0 }, wallTime: null }));
    await peer.closed;
    assert.equal(peer.fatal()?.code, 'bad-frame');
    assert.match(peer.fatal()!.message, /may not send "task"/);
    // The manager sent its hello and nothing else: no task, no bundle before the peer proved itself.
    assert.deepEqual(peer.received.map((m) => m.type), ['hello', 'fatal']);
    manager.submit(new CommandTask('true'));
  });
});

/** Length of the first two frames (hello and auth) in a recorded byte stream. */
function handshakeLength(bytes: Buffer): number {
  const first = 5 + bytes.readUInt32BE(0);
  return first + 5 + bytes.readUInt32BE(first);
}

void serialize;
