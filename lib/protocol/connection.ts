// One authenticated, framed, keepalive-checked link between a manager and a worker. Outgoing messages are
// gathered for one turn of the event loop and written with one syscall, so bursts of small messages cost
// one write instead of thousands; a caller that knows nothing else is coming writes at once with flush().
import type { Socket } from 'node:net';
import { serialize, deserialize } from 'node:v8';
import { FrameDecoder, FrameError, frameHeader, FRAME_HEADER_BYTES } from './frame-codec.js';
import { makeNonce, proveKnowledge, checkProof } from './auth.js';
import { PROTOCOL_NAME, PROTOCOL_VERSION } from './version.js';
import { encodeFast, decodeFast } from './fast-codec.js';
import { messageShapeProblem, type AnyMessage, type Hello, type Role } from './messages.js';

export interface ConnectionOptions {
  role: Role;
  password?: string | null;
  /** Largest frame accepted once authenticated (bytes). */
  maxFrameBytes?: number;
  keepaliveInterval?: number;
  keepaliveTimeout?: number;
  handshakeTimeout?: number;
  /** Names the peer in log lines, e.g. "worker 127.0.0.1:5312". */
  label?: string;
  log?: (line: string) => void;
}

export const DEFAULT_MAX_FRAME_BYTES = 512 * 1024 * 1024;
const HANDSHAKE_MAX_FRAME_BYTES = 64 * 1024;

export class Connection {
  state: 'handshake' | 'ready' | 'closed' = 'handshake';
  peerHello: Hello | null = null;
  onReady: ((peer: Hello) => void) | null = null;
  onMessage: ((msg: AnyMessage) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  readonly label: string;

  private readonly decoder = new FrameDecoder(HANDSHAKE_MAX_FRAME_BYTES);
  private readonly nonce = makeNonce();
  private readonly password: string | null;
  private peerProved = false;
  private pending: Buffer[] = [];
  private flushScheduled = false;
  private readonly flushLater = (): void => this.flush();
  private lastReceived = Date.now();
  private lastSent = Date.now();
  private timer: NodeJS.Timeout;
  private readonly log: (line: string) => void;

  constructor(readonly socket: Socket, private readonly opts: ConnectionOptions) {
    this.password = opts.password ?? null;
    this.label = opts.label ?? `${socket.remoteAddress}:${socket.remotePort}`;
    this.log = opts.log ?? ((line) => console.error(line));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`, false));
    socket.on('close', () => this.close('connection closed by peer', false));
    const handshakeDeadline = Date.now() + (opts.handshakeTimeout ?? 15) * 1000;
    const interval = (opts.keepaliveInterval ?? 5) * 1000;
    this.timer = setInterval(() => this.tick(handshakeDeadline, interval), Math.min(interval, 1000));
    this.timer.unref();
    this.sendNow({ type: 'hello', protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, role: opts.role,
      nonce: this.nonce, auth: this.password !== null });
  }

  /** Queues a message; everything queued in this turn of the event loop goes out in one write. */
  send(msg: AnyMessage): void {
    this.queue(msg);
    this.flushSoon();
  }

  /** Queues a message for the caller to write with flush() or flushSoon(). */
  queue(msg: AnyMessage): void {
    if (this.state === 'closed') return;
    // A compact body comes with room for its header: one buffer per frame, nothing to concatenate.
    const frame = this.state === 'ready' ? encodeFast(msg, FRAME_HEADER_BYTES) : null;
    if (frame) {
      frame.writeUInt32BE(frame.length - FRAME_HEADER_BYTES, 0);
      this.pending.push(frame);
      return;
    }
    const body = serialize(msg);
    this.pending.push(frameHeader(body.length), body);
  }

  /** Writes what is queued at the end of this turn of the event loop. */
  flushSoon(): void {
    if (this.flushScheduled || this.pending.length === 0) return;
    this.flushScheduled = true;
    setImmediate(this.flushLater);
  }

  /** Keeps the process alive while this link is open (true) or not (false). */
  setRef(ref: boolean): void {
    if (ref) this.socket.ref(); else this.socket.unref();
  }

  close(reason: string, notifyPeer = true): void {
    if (this.state === 'closed') return;
    if (notifyPeer && !this.socket.destroyed) {
      this.flush();
      const body = serialize({ type: 'fatal', message: reason });
      this.socket.end(Buffer.concat([frameHeader(body.length), body]));
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    this.state = 'closed';
    clearInterval(this.timer);
    this.pending = [];
    this.onClose?.(reason);
  }

  /** Writes what is queued now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0 || this.socket.destroyed) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.lastSent = Date.now();
    this.socket.write(data);
  }

  private sendNow(msg: AnyMessage): void {
    this.send(msg);
    this.flush();
  }

  private tick(handshakeDeadline: number, interval: number): void {
    const now = Date.now();
    if (this.state === 'handshake' && now > handshakeDeadline) {
      this.fail(`handshake with ${this.label} did not complete in ${this.opts.handshakeTimeout ?? 15} s`);
      return;
    }
    if (this.state !== 'ready') return;
    if (now - this.lastReceived > (this.opts.keepaliveTimeout ?? 30) * 1000) {
      this.fail(`no message from ${this.label} for ${this.opts.keepaliveTimeout ?? 30} s (keepalive timeout)`);
    } else if (now - this.lastSent >= interval) {
      this.send({ type: 'ping' });
    }
  }

  /** Logs the problem on this side, tells the peer why, and closes. */
  fail(reason: string): void {
    if (this.state === 'closed') return;
    this.log(`trellis ${this.opts.role}: closing link with ${this.label}: ${reason}`);
    this.close(reason, true);
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReceived = Date.now();
    try {
      this.decoder.push(chunk, (body) => this.dispatch(body));
    } catch (err) {
      if (err instanceof FrameError) this.fail(`bad frame: ${err.message}`);
      else throw err;
    }
  }

  private dispatch(body: Buffer): void {
    if (this.state === 'closed') return;
    let msg: unknown;
    try {
      msg = (this.state === 'ready' ? decodeFast(body) : undefined) ?? deserialize(body);
    } catch (err) {
      this.fail(`bad frame: ${body.length}-byte body is not a Trellis message (${(err as Error).message})`);
      return;
    }
    const problem = messageShapeProblem(msg);
    if (problem) {
      this.fail(`bad frame: ${problem}`);
      return;
    }
    const m = msg as AnyMessage;
    if (m.type === 'fatal') {
      this.log(`trellis ${this.opts.role}: ${this.label} closed the link: ${m.message}`);
      this.close(`peer closed the link: ${m.message}`, false);
      return;
    }
    if (this.state === 'handshake') {
      this.handshake(m);
      return;
    }
    if (m.type === 'hello' || m.type === 'auth') {
      this.fail(`bad frame: unexpected "${m.type}" after the handshake`);
      return;
    }
    if (m.type === 'ping') return;
    this.onMessage?.(m);
  }

  private handshake(m: AnyMessage): void {
    if (m.type === 'hello') {
      if (this.peerHello) return this.fail('bad frame: a second "hello" during the handshake');
      if (m.protocol !== PROTOCOL_NAME || m.version !== PROTOCOL_VERSION) {
        return this.fail(`protocol mismatch: expected ${PROTOCOL_NAME} version ${PROTOCOL_VERSION}, ` +
          `peer speaks ${String(m.protocol)} version ${String(m.version)}`);
      }
      const expected: Role[] = this.opts.role === 'manager' ? ['worker', 'status'] : ['manager'];
      if (!expected.includes(m.role)) return this.fail(`expected a ${expected.join(' or ')} peer, got a "${String(m.role)}"`);
      if (m.auth !== (this.password !== null)) {
        return this.fail(this.password !== null
          ? `authentication failed: this ${this.opts.role} requires a password and the ${m.role} has none`
          : `authentication failed: the ${m.role} requires a password and this ${this.opts.role} has none`);
      }
      this.peerHello = m;
      if (this.password !== null) this.sendNow({ type: 'auth', proof: proveKnowledge(this.password, m.nonce, this.opts.role) });
    } else if (m.type === 'auth') {
      if (!this.peerHello || this.password === null) return this.fail('bad frame: "auth" before "hello"');
      if (!checkProof(this.password, this.nonce, this.peerHello.role, m.proof)) {
        return this.fail(`authentication failed: ${this.label} does not know the password`);
      }
      this.peerProved = true;
    } else {
      return this.fail(`bad frame: "${m.type}" before the handshake completed`);
    }
    if (this.peerHello && (this.password === null || this.peerProved)) {
      this.state = 'ready';
      this.decoder.maxFrameBytes = this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
      this.onReady?.(this.peerHello);
    }
  }
}
