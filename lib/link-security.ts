// How a manager's links are secured, from its options: TLS whenever there is a password (or TLS settings), plain
// TCP only when asked for by name, and no password on a non-loopback address only when asked for by name.
import { createSecureContext } from 'node:tls';
import { OptionError, describeValue } from './options.js';
import type { ServerTls } from './core/tls-credentials.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** The TLS settings of the listening socket (null: plain TCP); throws on settings that contradict each other. */
export function linkSecurity(host: string, port: number, password: string | null, o: Record<string, unknown>,
  log: (line: string) => void): ServerTls | null {
  for (const k of ['insecurePlaintext', 'insecureNoPassword']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new OptionError(`new Manager(): option "${k}" expects true or false, got ${describeValue(o[k])}`);
  }
  let tls: ServerTls | undefined;
  if (o.tls !== undefined) {
    if (o.tls === null || typeof o.tls !== 'object' || Array.isArray(o.tls)) {
      throw new OptionError(`new Manager(): option "tls" expects { cert, key, ca } (PEM strings or Buffers), got ${describeValue(o.tls)}`);
    }
    const t = o.tls as Record<string, unknown>;
    for (const k of Object.keys(t)) {
      if (!['cert', 'key', 'ca'].includes(k)) throw new OptionError(`new Manager(): unknown option "tls.${k}"; expected cert, key, ca`);
      if (typeof t[k] !== 'string' && !Buffer.isBuffer(t[k])) {
        throw new OptionError(`new Manager(): option "tls.${k}" expects PEM text (a string or Buffer), got ${describeValue(t[k])}`);
      }
    }
    if ((t.cert === undefined) !== (t.key === undefined)) {
      throw new OptionError(`new Manager(): option "tls" expects both "cert" and "key" (or neither), got only "${t.cert === undefined ? 'key' : 'cert'}"`);
    }
    try {
      createSecureContext({ cert: t.cert as string, key: t.key as string, ca: t.ca as string | undefined });
    } catch (err) {
      throw new OptionError(`new Manager(): option "tls" expects PEM text for cert, key (matching the certificate) and ca, and ` +
        `these cannot be used: ${(err as Error).message}`);
    }
    // As text: the options may go to a dispatcher thread, where a Buffer would arrive as a plain Uint8Array.
    tls = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v)])) as ServerTls;
  }
  if (o.insecurePlaintext === true && tls) {
    throw new OptionError('new Manager(): options "tls" and "insecurePlaintext" contradict each other; give one');
  }
  if (password === null && !isLoopback(host)) {
    const risk = `listening on ${host}:${port} without a password lets anyone who can reach that port run code and commands ` +
      'as this user';
    if (o.insecureNoPassword !== true) {
      throw new OptionError(`new Manager(): ${risk}; give a "password", listen on a loopback address (host: '127.0.0.1'), ` +
        'or pass insecureNoPassword: true to accept the risk');
    }
    log(`trellis manager: WARNING: ${risk} (insecureNoPassword)`);
  }
  if (o.insecurePlaintext === true) {
    if (!isLoopback(host)) log(`trellis manager: WARNING: plain TCP on ${host}:${port} (insecurePlaintext): code, arguments and results ` +
      'cross the network readable, and someone on the path can take over an authenticated link');
    return null;
  }
  return password !== null || tls ? tls ?? {} : null;
}
