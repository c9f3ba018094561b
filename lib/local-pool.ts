// Manager.local(): a manager on loopback with a worker in this same process, speaking the same protocol
// over TCP as a remote worker does, so what runs locally is what runs on a cluster. The link is authenticated
// with a random password like any other; it stays plain TCP, since loopback traffic between two sockets of one
// process cannot be read or changed by another user without root (docs/security.md).
import { randomBytes } from 'node:crypto';
import type { ManagerInternals, ManagerOptions } from './manager.js';
import { OptionError, checkKnownKeys, checkNumber, checkObject, describeValue } from './options.js';

export interface LocalOptions extends Omit<ManagerOptions, 'host' | 'port' | 'password' | 'tls' | 'insecurePlaintext' | 'insecureNoPassword'> {
  /** Cores of the embedded worker. Default: this machine's. */
  cores?: number;
  memory?: number;
  disk?: number;
  gpus?: number;
  cacheDir?: string;
  /** MB of environments kept in the cache directory (least recently used go past it). Default: no cap. */
  cacheSize?: number;
}

/** The embedded pool is part of the application: its log lines stay off unless DEBUG names trellis (or `log` is given). */
function localLogDefault(): ManagerOptions['log'] {
  return /(^|[\s,])trellis(\*|:|[\s,]|$)/.test(process.env.DEBUG ?? '') ? undefined : false;
}

/** What Manager.local() makes its manager with: checked options, loopback, a random password, an embedded worker. */
export function localManagerArgs(options: LocalOptions = {}): { options: ManagerOptions; internals: ManagerInternals } {
  const o = checkObject('Manager.local()', options);
  checkKnownKeys('Manager.local()', o, ['name', 'log', 'dispatch', 'transactionLog', 'performanceLog', 'dashboard', 'journal', 'cores', 'memory',
    'disk', 'gpus', 'cacheDir', 'cacheSize']);
  const res: Record<string, number> = {};
  for (const k of ['cores', 'memory', 'disk', 'gpus'] as const) {
    if (o[k] !== undefined) res[k] = checkNumber('Manager.local()', k, o[k], { min: 0, integer: k === 'gpus' });
  }
  const cacheSize = o.cacheSize === undefined ? null : o.cacheSize;
  if (cacheSize !== null && !(typeof cacheSize === 'number' && cacheSize > 0 && Number.isFinite(cacheSize))) {
    throw new OptionError(`Manager.local(): option "cacheSize" expects a number of MB > 0, got ${describeValue(cacheSize)}`);
  }
  return {
    options: { host: '127.0.0.1', port: 0, password: randomBytes(32).toString('hex'), insecurePlaintext: true, name: options.name,
      log: options.log ?? localLogDefault(), dispatch: options.dispatch,
      transactionLog: options.transactionLog, performanceLog: options.performanceLog, dashboard: options.dashboard,
      journal: options.journal },
    internals: { embeddedWorker: { ...res, cacheDir: options.cacheDir, cacheSize } },
  };
}
