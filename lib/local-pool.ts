// Manager.local(): a manager on loopback with a worker in this same process, speaking the same protocol
// over TCP as a remote worker does, so what runs locally is what runs on a cluster.
import { randomBytes } from 'node:crypto';
import { Manager, type ManagerOptions } from './manager.js';
import { checkKnownKeys, checkNumber, checkObject } from './options.js';

export interface LocalOptions extends Omit<ManagerOptions, 'host' | 'port' | 'password'> {
  /** Cores of the embedded worker. Default: this machine's. */
  cores?: number;
  memory?: number;
  disk?: number;
  gpus?: number;
  cacheDir?: string;
}

export function startLocal(options: LocalOptions = {}): Manager {
  const o = checkObject('Manager.local()', options);
  checkKnownKeys('Manager.local()', o, ['name', 'log', 'dispatch', 'cores', 'memory', 'disk', 'gpus', 'cacheDir']);
  const res: Record<string, number> = {};
  for (const k of ['cores', 'memory', 'disk', 'gpus'] as const) {
    if (o[k] !== undefined) res[k] = checkNumber('Manager.local()', k, o[k], { min: 0, integer: k === 'gpus' });
  }
  const manager = new Manager(
    { host: '127.0.0.1', port: 0, password: randomBytes(16).toString('hex'), name: options.name, log: options.log, dispatch: options.dispatch },
    { embeddedWorker: { ...res, cacheDir: options.cacheDir } },
  );
  void manager.listen();
  return manager;
}
