// One authenticated, framed, keepalive-checked link between a manager and a worker (or status client), over
// TLS or plain TCP. Nothing but the handshake is sent or accepted until both sides have proved they know the
// password (auth.ts); every frame is size-checked by kind on its header (limits.ts) and every message checked
// field by field (message-checks.ts) before the owner sees it. Outgoing messages are gathered for one turn of
// the event loop and written with one syscall; a caller that knows nothing else is coming writes with flush().
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { serialize, deserialize } from 'node:v8';
import { FrameDecoder, FrameError, frameHeader, FRAME_HEADER_BYTES } from './frame-codec.js';
import { makeNonce, prove, checkProof, EXPORTER_BYTES, EXPORTER_LABEL, type Transcript } from './auth.js';
import { PROTOCOL_NAME, PROTOCOL_VERSION } from './version.js';
import { encodeFast, decodeFast } from './fast-codec.js';
import { MESSAGE_KINDS, type AnyMessage, type FatalCode, type Hello, type Role } from './messages.js';
import { messageProblem, helloVersionProblem } from './message-checks.js';
import { frameLimit, TYPE_OF_KIND, DEFAULT_MAX_DATA_BYTES } from './limits.js';

export interface ConnectionOptions {
  role: Role;
  password?: string | null;
  /** Largest bundle, file, task or result frame accepted once authenticated (bytes). */
  maxDataBytes?: number;
  keepaliveInterval?: number;
  keepaliveTimeout?: number;
  handshakeTimeout?: number;
  /** Names the peer in log lines, e.g. "worker 127.0.0.1:5312". */
  label?: string;
  log?: (line: string) => void;
}

export { DEFAULT_MAX_DATA_BYTES };

const KIND_TASK = MESSAGE_KINDS.task;
const NO_CONTEXT = Buffer.alloc(0);
const KIND_RESULT = MESSAGE_KINDS.result;

export class Connection {
  state: 'handshake' | 'ready' | 'closed' = 'handshake';
  peerHello: Hello | null = null;
  /** Why the link closed, as a code (the peer's, when the peer closed it with one). */
  closeCode: FatalCode | null = null;
  onReady: ((peer: Hello) => void) | null = null;
  onMessage: ((msg: AnyMessage) => void) | null = null;
  onClose: ((reason: string, code: FatalCode | null) => void) | null = null;
  readonly label: string;
  /** True when the link runs over TLS. */
  readonly encrypted: boolean;

  private readonly decoder: FrameDecoder;
  private readonly nonce = makeNonce();
  private readonly password: string | null;
  private readonly binding: Buffer;
  private sentProof = false;
  private pending: Buffer[] = [];
  private flushScheduled = false;
  private readonly flushLater = (): void => this.flush();
  private lastReceived = Date.now();
  private lastSent = Date.now();
  private timer: NodeJS.Timeout;
  private readonly log: (line: string) => void;

  /** `socket` is a plain TCP socket or a TLS socket whose handshake has completed. */
  constructor(readonly socket: Socket, private readonly opts: ConnectionOptions) {
    this.password = opts.password ?? null;
    this.label = opts.label ?? `${socket.remoteAddress}:${socket.remotePort}`;
    this.log = opts.log ?? ((line) => console.error(line));
    const tls = (socket as TLSSocket).encrypted === true;
    this.encrypted = tls;
    this.binding = tls ? (socket as TLSSocket).exportKeyingMaterial(EXPORTER_BYTES, EXPORTER_LABEL, NO_CONTEXT) : Buffer.alloc(0);
    this.decoder = new FrameDecoder(frameLimit(opts.role, null));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`, false));
    socket.on('close', () => this.close(this.state === 'handshake'
      ? 'the peer closed the connection during the handshake' : 'connection closed by peer', false));
    const handshakeDeadline = Date.now() + (opts.handshakeTimeout ?? 15) * 1000;
    const interval = (opts.keepaliveInterval ?? 5) * 1000;
    this.timer = setInterval(() => this.tick(handshakeDeadline, interval), Math.min(interval, 1000));
    this.timer.unref();
    this.sendHandshake({ type: 'hello', protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, role: opts.role,
      nonce: this.nonce, auth: this.password !== null });
  }

  /** Queues a message; everything queued in this turn of the event loop goes out in one write. */
  send(msg: AnyMessage): void {
    this.queue(msg);
    this.flushSoon();
  }

  /** Queues a message for the caller to write with flush() or flushSoon(). Nothing goes out before the
   * handshake has completed: until the peer has proved itself, it gets handshake frames only. */
  queue(msg: AnyMessage): void {
    if (this.state !== 'ready') return;
    // A compact body comes with room for its header: one buffer per frame, nothing to concatenate.
    const frame = encodeFast(msg, FRAME_HEADER_BYTES);
    const kind = MESSAGE_KINDS[msg.type];
    if (frame) {
      frame.writeUInt32BE(frame.length - FRAME_HEADER_BYTES, 0);
      frame[4] = kind;
      this.pending.push(frame);
      return;
    }
    const body = serialize(msg);
    this.pending.push(frameHeader(body.length, kind), body);
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

  /** Bytes written to the socket that the peer has not read yet, plus those queued. */
  get unsentBytes(): number {
    return this.socket.writableLength;
  }

  close(reason: string, notifyPeer = true, code: FatalCode = 'shutdown'): void {
    if (this.state === 'closed') return;
    if (notifyPeer && !this.socket.destroyed) {
      if (this.state === 'ready') this.flush();
      const body = serialize({ type: 'fatal', code, message: reason });
      this.socket.end(Buffer.concat([frameHeader(body.length, MESSAGE_KINDS.fatal), body]));
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    this.closeCode ??= code;
    this.state = 'closed';
    clearInterval(this.timer);
    this.pending = [];
    this.onClose?.(reason, this.closeCode);
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

  /** Logs the problem on this side, tells the peer why (with a code it can act on), and closes. */
  fail(reason: string, code: FatalCode = 'bad-message'): void {
    if (this.state === 'closed') return;
    this.log(`trellis ${this.opts.role}: closing link with ${this.label}: ${reason}`);
    this.close(reason, true, code);
  }

  private sendHandshake(msg: AnyMessage): void {
    const body = serialize(msg);
    this.lastSent = Date.now();
    this.socket.write(Buffer.concat([frameHeader(body.length, MESSAGE_KINDS[msg.type]), body]));
  }

  private tick(handshakeDeadline: number, interval: number): void {
    const now = Date.now();
    if (this.state === 'handshake' && now > handshakeDeadline) {
      this.fail(`handshake with ${this.label} did not complete in ${this.opts.handshakeTimeout ?? 15} s`, 'handshake-timeout');
      return;
    }
    if (this.state !== 'ready') return;
    if (now - this.lastReceived > (this.opts.keepaliveTimeout ?? 30) * 1000) {
      this.fail(`no message from ${this.label} for ${this.opts.keepaliveTimeout ?? 30} s (keepalive timeout)`, 'keepalive-timeout');
    } else if (now - this.lastSent >= interval) {
      this.send({ type: 'ping' });
    }
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReceived = Date.now();
    try {
      this.decoder.push(chunk, (kind, body) => this.dispatch(kind, body));
    } catch (err) {
      if (err instanceof FrameError && this.peerHello === null && !this.encrypted && (chunk[0] === 0x15 || chunk[0] === 0x16) && chunk[1] === 3) {
        // A TLS record (handshake or alert) where a plain TCP frame was expected.
        this.fail(`bad frame: ${this.label} speaks TLS and this ${this.opts.role} plain TCP (insecurePlaintext): both sides must agree`, 'bad-frame');
      } else if (err instanceof FrameError) this.fail(`bad frame: ${err.message}`, 'bad-frame');
      else this.internalError(err as Error);
    }
  }

  private internalError(err: Error): void {
    this.log(`trellis ${this.opts.role}: internal error handling a message from ${this.label}: ${err.stack ?? err.message}`);
    this.fail(`internal error handling a message: ${err.message}`, 'internal-error');
  }

  private dispatch(kind: number, body: Buffer): void {
    if (this.state === 'closed') return;
    const type = TYPE_OF_KIND[kind]!; // the frame limit admitted only known kinds
    let msg: unknown;
    try {
      msg = (kind === KIND_TASK || kind === KIND_RESULT) && this.state === 'ready' ? decodeFast(body) : undefined;
      msg ??= deserialize(body);
    } catch (err) {
      this.fail(`bad frame: ${body.length}-byte "${type}" body is not a Trellis message (${(err as Error).message})`, 'bad-frame');
      return;
    }
    if (type === 'hello' && this.state === 'handshake') {
      // The version first: a newer peer's hello may differ in its other fields.
      const v = msg !== null && typeof msg === 'object' ? helloVersionProblem(msg as Record<string, unknown>) : null;
      const h = msg as Hello;
      if (v === null && (h.protocol !== PROTOCOL_NAME || h.version !== PROTOCOL_VERSION)) {
        return this.fail(`protocol mismatch: expected ${PROTOCOL_NAME} version ${PROTOCOL_VERSION}, ` +
          `peer speaks ${String(h.protocol)} version ${String(h.version)}`, 'version-mismatch');
      }
    }
    const problem = messageProblem(msg, type);
    if (problem) return this.fail(`bad message: ${problem}`, type === 'hello' || type === 'auth' ? 'bad-frame' : 'bad-message');
    const m = msg as AnyMessage;
    if (m.type === 'fatal') {
      this.log(`trellis ${this.opts.role}: ${this.label} closed the link: ${m.message}`);
      this.closeCode = m.code;
      this.close(`peer closed the link: ${m.message}`, false, m.code);
      return;
    }
    if (this.state === 'handshake') return this.handshake(m);
    if (m.type === 'ping') return;
    try {
      this.onMessage?.(m);
    } catch (err) {
      this.internalError(err as Error);
    }
  }

  private transcript(): Transcript {
    const peer = this.peerHello!;
    const manager = this.opts.role === 'manager';
    return { clientRole: manager ? peer.role : this.opts.role, clientNonce: manager ? peer.nonce : this.nonce,
      managerNonce: manager ? this.nonce : peer.nonce, binding: this.binding };
  }

  private handshake(m: AnyMessage): void {
    const manager = this.opts.role === 'manager';
    if (m.type === 'hello') {
      if (this.peerHello) return this.fail('bad frame: a second "hello" during the handshake', 'bad-frame');
      const expected: Role[] = manager ? ['worker', 'status'] : ['manager'];
      if (!expected.includes(m.role)) {
        return this.fail(`expected a ${expected.join(' or ')} peer, got a "${m.role}"`, 'wrong-role');
      }
      if (m.auth !== (this.password !== null)) {
        return this.password !== null
          ? this.fail(`authentication failed: this ${this.opts.role} requires a password and the ${m.role} has none`, 'password-required')
          : this.fail(`authentication failed: the ${m.role} requires a password and this ${this.opts.role} has none`, 'password-unexpected');
      }
      this.peerHello = m;
      if (this.password === null) return this.becomeReady();
      if (!manager) {
        this.sendHandshake({ type: 'auth', proof: prove(this.password, 'client-to-manager', this.transcript()) });
        this.sentProof = true;
      }
      return;
    }
    if (m.type !== 'auth') return this.fail(`bad frame: "${m.type}" before the handshake completed`, 'bad-frame');
    if (!this.peerHello || this.password === null || (!manager && !this.sentProof)) {
      return this.fail('bad frame: "auth" out of turn in the handshake', 'bad-frame');
    }
    if (manager) {
      if (!checkProof(this.password, 'client-to-manager', this.transcript(), m.proof)) {
        return this.fail(`authentication failed: the ${this.peerHello.role} at ${this.label} did not prove it knows this ` +
          "manager's password (its password is different, or its proof was made for another link)", 'password-refused');
      }
      this.sendHandshake({ type: 'auth', proof: prove(this.password, 'manager-to-client', this.transcript()) });
      return this.becomeReady();
    }
    if (!checkProof(this.password, 'manager-to-client', this.transcript(), m.proof)) {
      return this.fail(`authentication failed: the manager at ${this.label} could not prove it knows the password ` +
        '(it is not the manager this password is for, or something between them relays the link)', 'manager-unproven');
    }
    this.becomeReady();
  }

  private becomeReady(): void {
    this.state = 'ready';
    this.decoder.limit = frameLimit(this.opts.role, this.peerHello!.role, this.opts.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES);
    this.onReady?.(this.peerHello!);
  }
}
