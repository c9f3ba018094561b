// Hostile peers for the security tests: raw frames over TLS or plain TCP, and an authenticated worker (the real
// handshake, then whatever bytes the test writes).
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { serialize, deserialize } from 'node:v8';
import { FrameDecoder, frameHeader } from '../../protocol/frame-codec.js';
import { decodeFast } from '../../protocol/fast-codec.js';
import { MESSAGE_KINDS, type AnyMessage } from '../../protocol/messages.js';
import { Connection } from '../../protocol/connection.js';

export type Type = AnyMessage['type'];

export function frame(type: Type | number, body: Buffer | Uint8Array): Buffer {
  const kind = typeof type === 'number' ? type : MESSAGE_KINDS[type];
  return Buffer.concat([frameHeader(body.length, kind), body]);
}

export function v8Frame(msg: Record<string, unknown> & { type: Type }, kind?: Type | number): Buffer {
  return frame(kind ?? msg.type, serialize(msg));
}

/** Opens a socket (TLS handshake done when `tls`), resolving once it can be written. */
export function openSocket(port: number, tls: boolean): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tls ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.3' })
      : tcpConnect({ host: '127.0.0.1', port });
    s.once('error', reject);
    s.once(tls ? 'secureConnect' : 'connect', () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
  });
}

/** A socket whose incoming frames are decoded and kept; `closed` resolves when the other side closes it. */
export class RawPeer {
  readonly received: Record<string, unknown>[] = [];
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    const decoder = new FrameDecoder(() => null);
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk, (_kind, body) => {
          this.received.push((decodeFast(body) ?? deserialize(body)) as Record<string, unknown>);
        });
      } catch { /* the tests look at what was decoded */ }
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(port: number, tls: boolean): Promise<RawPeer> {
    return new RawPeer(await openSocket(port, tls));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The fatal message the other side closed with, if any. */
  fatal(): { code: string; message: string } | undefined {
    return this.received.find((m) => m.type === 'fatal') as { code: string; message: string } | undefined;
  }
}

/** A worker that completes the real handshake with `password`, announces itself, then lets the test write raw
 * frames; tasks the manager sends arrive in `tasks`. */
export async function authenticatedWorker(port: number, password: string, tls = true, name = 'hostile'):
  Promise<{ conn: Connection; tasks: Record<string, unknown>[]; closed: Promise<{ reason: string; code: string | null }> }> {
  const socket = await openSocket(port, tls);
  const conn = new Connection(socket, { role: 'worker', password, log: () => {}, label: 'manager' });
  const tasks: Record<string, unknown>[] = [];
  const closed = new Promise<{ reason: string; code: string | null }>((resolve) => { conn.onClose = (reason, code) => resolve({ reason, code }); });
  await new Promise<void>((resolve, reject) => {
    conn.onReady = () => resolve();
    void closed.then((c) => reject(new Error(`handshake failed: ${c.reason}`)));
  });
  conn.onMessage = (m) => { if (m.type === 'task') tasks.push(m as unknown as Record<string, unknown>); };
  conn.send({ type: 'announce', name, host: 'hostile', pid: process.pid, resources: { cores: 8, memory: 8000, disk: 8000, gpus: 0 }, wallTimeLeft: null });
  conn.flush();
  return { conn, tasks, closed };
}
