// The options every command that connects to a manager shares: the password file and how the link is secured.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClientTls } from '../protocol/dial.js';
import { readPasswordFile } from './password-file.js';

export interface LinkSettings {
  password: string | null;
  tls?: ClientTls;
  insecurePlaintext: boolean;
}

export function addLinkOptions(cmd: Command): Command {
  return cmd
    .option('--password-file <file>', 'file whose first line is the manager\'s password (links then use TLS)')
    .option('--tls-ca <file>', 'PEM CA that signed the manager\'s certificate: verify it (default: the password handshake authenticates the manager)')
    .option('--tls-cert <file>', 'PEM client certificate, for a manager that asks for one (with --tls-key)')
    .option('--tls-key <file>', 'PEM key of --tls-cert')
    .option('--insecure-plaintext', 'plain TCP instead of TLS, for a manager started with insecurePlaintext: anyone on the path can read and change the traffic');
}

function readPem(option: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${option}: cannot read "${path}": ${(err as Error).message}`);
  }
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) throw new Error(`${option}: "${path}" is not PEM (expected a "-----BEGIN ...-----" line)`);
  return text;
}

export function linkSettings(o: Record<string, unknown>): LinkSettings {
  const password = o.passwordFile ? readPasswordFile(o.passwordFile as string) : null;
  const insecurePlaintext = o.insecurePlaintext === true;
  const given = (['tlsCa', 'tlsCert', 'tlsKey'] as const).filter((k) => o[k] !== undefined);
  if (insecurePlaintext && given.length) {
    throw new Error(`--insecure-plaintext and --${given[0].replace(/[A-Z]/, (c) => `-${c.toLowerCase()}`)} contradict each other; give one`);
  }
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) {
    throw new Error(`--tls-cert and --tls-key go together; got only ${o.tlsCert === undefined ? '--tls-key' : '--tls-cert'}`);
  }
  if (!given.length) return { password, insecurePlaintext };
  const tls: ClientTls = {};
  if (o.tlsCa !== undefined) tls.ca = readPem('--tls-ca', o.tlsCa as string);
  if (o.tlsCert !== undefined) tls.cert = readPem('--tls-cert', o.tlsCert as string);
  if (o.tlsKey !== undefined) tls.key = readPem('--tls-key', o.tlsKey as string);
  return { password, tls, insecurePlaintext };
}

/** The same options again, for a command line that starts `trellis worker` (the factory's jobs). */
export function linkArgv(o: Record<string, unknown>, resolvePath: (p: string) => string): string[] {
  const out: string[] = [];
  if (o.tlsCa !== undefined) out.push('--tls-ca', resolvePath(o.tlsCa as string));
  if (o.tlsCert !== undefined) out.push('--tls-cert', resolvePath(o.tlsCert as string), '--tls-key', resolvePath(o.tlsKey as string));
  if (o.insecurePlaintext === true) out.push('--insecure-plaintext');
  return out;
}
