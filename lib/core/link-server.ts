// The manager's listening socket: plain TCP or TLS, with a cap on connections that have not authenticated yet,
// and a deadline for each to do so (TLS handshake included). Hands over each connection, TLS done, to onSocket.
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ServerCredentials } from './tls-credentials.js';

export interface LinkServerOptions {
  host: string;
  port: number;
  credentials: ServerCredentials | null;
  /** Most connections that have not completed the handshake at once; more are closed at once. */
  maxPending: () => number;
  /** Seconds a connection has to complete the TLS and password handshakes. */
  handshakeTimeout: () => number;
  log: (line: string) => void;
  /** A new connection; call `authenticated` once its handshake completes (it then no longer counts as pending). */
  onSocket: (socket: Socket, authenticated: () => void) => void;
}

export class LinkServer {
  readonly server: Server;
  private pending = 0;
  /** Connections still in a handshake: closed with the server. */
  private readonly unfinished = new Set<Socket>();
  private refused = 0;
  private lastRefusalLog = 0;

  constructor(private readonly o: LinkServerOptions) {
    this.server = createServer((raw) => this.accept(raw));
  }

  async listen(): Promise<number> {
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.o.log(`trellis manager: listening socket error: ${err.message}`));
    return (server.address() as { port: number }).port;
  }

  get pendingCount(): number {
    return this.pending;
  }

  /** Stops listening and drops connections still in a handshake; resolves once every connection is gone. */
  close(): Promise<void> {
    this.server.ref(); // an unref'd server would let the process exit before close() resolves
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.unfinished) s.destroy();
    return closed;
  }

  private accept(raw: Socket): void {
    const peer = `${raw.remoteAddress}:${raw.remotePort}`;
    raw.on('error', () => {}); // reported by the TLS socket or the Connection that takes it over
    if (this.pending >= this.o.maxPending()) {
      this.refused++;
      const now = Date.now();
      if (now - this.lastRefusalLog > 5000) {
        this.o.log(`trellis manager: refused ${this.refused} connection(s) (latest from ${peer}): ` +
          `${this.pending} connections have not completed the handshake yet (limit: max-pending-connections ${this.o.maxPending()})`);
        this.lastRefusalLog = now;
        this.refused = 0;
      }
      raw.destroy();
      return;
    }
    this.pending++;
    this.unfinished.add(raw);
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      this.pending--;
      this.unfinished.delete(raw);
      clearTimeout(deadline);
    };
    raw.once('close', done);
    const deadline = setTimeout(() => {
      if (!counted) return;
      this.o.log(`trellis manager: closing the connection from ${peer}: no completed handshake within ${this.o.handshakeTimeout()} s`);
      raw.destroy();
    }, this.o.handshakeTimeout() * 1000);
    deadline.unref();
    const creds = this.o.credentials;
    if (!creds) {
      this.o.onSocket(raw, done);
      return;
    }
    const tls = new TLSSocket(raw, { isServer: true, secureContext: creds.context, requestCert: creds.requestCert,
      rejectUnauthorized: creds.requestCert });
    const failed = (err: Error) => {
      this.o.log(`trellis manager: TLS handshake with ${peer} failed: ${err.message}` +
        (/wrong version number|http request/i.test(err.message) ? ' (the peer speaks plain TCP: a worker without a password, or started with --insecure-plaintext?)' : ''));
      tls.destroy();
    };
    tls.once('error', failed);
    tls.once('secure', () => {
      tls.off('error', failed);
      this.o.onSocket(tls, done);
    });
  }
}
