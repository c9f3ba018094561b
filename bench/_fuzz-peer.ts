// The hostile side of the fuzz benchmark, in a process of its own: lanes of connections to a manager, each one
// of: an unauthenticated peer sending random and mutated handshake frames; a worker that authenticates and then
// sends mutated announces and results (to tasks it was really given, or made up); a status client that
// authenticates and sends mutated requests. Prints one JSON line with what it sent.
// Usage: node _fuzz-peer.js PORT PASSWORD FRAMES SEED TLS(0|1)
import type { Socket } from 'node:net';
import { serialize } from 'node:v8';
import { dial } from '../protocol/dial.js';
import { Connection } from '../protocol/connection.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { FrameFuzzer, makeRandom } from './_fuzz-frames.js';

const [portText, password, framesText, seedText, tlsText] = process.argv.slice(2);
const port = Number(portText);
const target = Number(framesText);
const tls = tlsText === '1';
const f = new FrameFuzzer(makeRandom(Number(seedText)));
const LANES = 12;

let frames = 0;
let connections = 0;
let authenticated = 0;
let closedByManager = 0;
let tasksReceived = 0;

const hello = (role: string) => ({ type: 'hello', protocol: 'trellis', version: PROTOCOL_VERSION, role, nonce: 'ab'.repeat(32), auth: true });
const announce = (cores: number) => ({ type: 'announce', name: `fuzz-${f.int(1e6)}`, host: 'fuzz', pid: 1,
  resources: { cores, memory: 1000, disk: 1000, gpus: 0 }, wallTimeLeft: null });
const result = (id: number) => ({ type: 'result', id, outcome: f.pick(['success', 'exception', 'resource-exhaustion']),
  value: serialize(f.int(100)), started: 1, finished: 2, measured: { cpuTime: 0.1, memory: 5 },
  error: f.int(2) ? { name: 'Error', message: 'm', props: serialize({ a: 1 }) } : undefined,
  exhausted: f.int(3) ? undefined : { resource: 'memory', allocated: 1, measured: 2 }, gpuIds: f.int(2) ? [0] : undefined });

function write(s: Socket, bytes: Buffer): void {
  if (s.destroyed) return;
  s.write(bytes);
  frames++;
}

/** Waits until the manager closes the socket or `ms` pass, then makes sure it is gone. */
function settle(s: Socket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => { s.destroy(); resolve(); }, ms);
    s.once('close', () => { clearTimeout(t); closedByManager++; resolve(); });
  });
}

async function unauthenticated(): Promise<void> {
  const s = await dial({ host: '127.0.0.1', port, tls: tls ? {} : null });
  s.on('error', () => {});
  connections++;
  const n = 1 + f.int(4);
  for (let i = 0; i < n; i++) {
    const k = f.int(5);
    if (k === 0) write(s, f.noise());
    else if (k === 1) write(s, f.frameFrom(hello('worker')));
    else if (k === 2) write(s, f.frameFrom({ type: 'auth', proof: 'cd'.repeat(32) }));
    else write(s, f.frameFrom(f.pick([announce(1), result(1), { type: 'status-request', tasks: true }, { type: 'ping' }])));
  }
  await settle(s, 300);
}

async function authenticatedPeer(role: 'worker' | 'status'): Promise<void> {
  const s = await dial({ host: '127.0.0.1', port, tls: tls ? {} : null });
  s.on('error', () => {});
  connections++;
  const conn = new Connection(s, { role, password, log: () => {}, label: 'manager' });
  const tasks: number[] = [];
  const ready = await new Promise<boolean>((resolve) => {
    conn.onReady = () => resolve(true);
    conn.onClose = () => resolve(false);
  });
  if (!ready) return;
  authenticated++;
  conn.onMessage = (m) => { if (m.type === 'task') { tasks.push(m.id); tasksReceived++; } };
  if (role === 'worker') {
    // Most announce no cores (they get no task); some take tasks and answer them with garbage.
    const cores = f.int(8) === 0 ? 1 + f.int(4) : 0;
    if (f.int(6) === 0) write(s, f.frameFrom(announce(cores)));
    else { conn.send(announce(cores) as never); conn.flush(); frames++; }
    if (cores > 0) await new Promise((r) => setTimeout(r, 20));
  }
  const n = 1 + f.int(60);
  for (let i = 0; i < n && !s.destroyed; i++) {
    const id = tasks.length && f.int(2) ? tasks[f.int(tasks.length)] : f.int(1000);
    const k = f.int(6);
    if (role === 'status') write(s, f.frameFrom({ type: 'status-request', tasks: true }));
    else if (k === 0) write(s, f.compactResult(id));
    else if (k === 1) write(s, f.noise());
    else if (k === 2) write(s, f.frameFrom({ type: 'env-request', hash: '0'.repeat(64) }));
    else write(s, f.frameFrom(result(id)));
    if (i % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  await settle(s, 300);
}

async function lane(): Promise<void> {
  while (frames < target) {
    const k = f.int(10);
    try {
      if (k < 4) await unauthenticated();
      else if (k < 9) await authenticatedPeer('worker');
      else await authenticatedPeer('status');
    } catch { /* refused at the connection cap, or reset: go on */ }
  }
}

await Promise.all(Array.from({ length: LANES }, lane));
console.log(JSON.stringify({ frames, connections, authenticated, closedByManager, tasksReceived }));
process.exit(0);
