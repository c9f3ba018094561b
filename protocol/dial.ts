// Opening a link to a manager: TLS by default whenever a password is set (the password handshake then binds
// the TLS session, so no certificate authority is needed), plain TCP only when asked for by name.
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** TLS settings of a client: `ca` to verify the manager's certificate, `cert`/`key` where the site wants client
 * certificates. PEM contents. */
export interface ClientTls {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface DialOptions {
  host: string;
  port: number;
  /** TLS settings, or null for plain TCP. */
  tls: ClientTls | null;
}

/** Whether a client with these settings speaks TLS: yes with a password or TLS settings, unless plain TCP was asked for. */
export function clientUsesTls(password: string | null | undefined, tls: ClientTls | undefined, insecurePlaintext: boolean | undefined): boolean {
  return !insecurePlaintext && (password != null || tls !== undefined);
}

/** Connects; resolves with a socket ready for the protocol (the TLS handshake done), rejects with why not. */
export function dial(o: DialOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (!o.tls) {
      const socket = tcpConnect({ host: o.host, port: o.port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      return;
    }
    const verify = o.tls.ca !== undefined;
    const socket = tlsConnect({
      host: o.host, port: o.port, minVersion: 'TLSv1.3', ca: o.tls.ca, cert: o.tls.cert, key: o.tls.key,
      // Without a CA the certificate is not checked: the password handshake authenticates the manager, bound to
      // this TLS session, so a man in the middle with a certificate of its own fails it.
      rejectUnauthorized: verify,
      servername: isIP(o.host) ? undefined : o.host,
    });
    const fail = (err: Error) => reject(new Error(`TLS with ${o.host}:${o.port} failed: ${err.message}` +
      (/wrong version number|packet length too long|record layer failure/i.test(err.message)
        ? ' (the manager answered in plain TCP: it was started with insecurePlaintext, and then both sides must be)' : '')));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
