// The manager's side of the catalog: every second it builds its summary and sends it when it changed, and at
// least every `interval` seconds so the catalog keeps it alive; at close it says it is gone.
import { request } from 'node:http';
import { hostname, userInfo } from 'node:os';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import type { ManagerStatus } from '../status.js';
import { catalogAddress } from './catalog-client.js';
import type { CatalogRecord } from './record.js';
import { signUpdate } from './update-signature.js';
import { OptionError } from '../options.js';

export interface CatalogReportOptions {
  /** "HOST:PORT" of the catalog. */
  address: string;
  password?: string | null;
  /** Seconds between updates when nothing changes. Default 5. */
  interval?: number;
}

export interface ReportedManager {
  readonly name: string;
  readonly port: number | null;
  status(): ManagerStatus;
}

export interface CatalogReporter {
  stop(): Promise<void>;
}

export function summaryOf(status: ManagerStatus, project: string, listenHost: string, port: number, starttime: number): CatalogRecord {
  let coresInUse = 0, coresTotal = 0, memoryInUse = 0, memoryTotal = 0;
  for (const w of status.workers) {
    coresInUse += w.inUse.cores; coresTotal += w.resources.cores;
    memoryInUse += w.inUse.memory; memoryTotal += w.resources.memory;
  }
  const record: CatalogRecord = {
    type: 'trellis-manager', project, host: hostname(), address: '', port, protocol: PROTOCOL_VERSION,
    tasks_preparing: status.tasks.preparing, tasks_waiting: status.tasks.waiting, tasks_running: status.tasks.running,
    tasks_done: status.tasks.done, workers: status.workers.length,
    cores_inuse: coresInUse, cores_total: coresTotal, memory_inuse: memoryInUse, memory_total: memoryTotal,
    categories: status.categories.map((c) => c.name), starttime, owner: safeUser(),
  };
  // A manager on all interfaces lets the catalog record the address its updates come from.
  if (listenHost !== '0.0.0.0' && listenHost !== '::') record.address = listenHost;
  else delete (record as Partial<CatalogRecord>).address;
  return record;
}

export function startCatalogReporter(manager: ReportedManager, listenHost: string, o: CatalogReportOptions, log: (line: string) => void): CatalogReporter {
  const at = catalogAddress(o.address)!;
  const interval = (o.interval ?? 5) * 1000;
  const starttime = Date.now() / 1000;
  let lastText = '';
  let lastSent = 0;
  let inFlight: Promise<void> | null = null;
  let failing = false;

  const send = (body: string): Promise<void> => new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    if (o.password) Object.assign(headers, signUpdate(o.password, body));
    const req = request({ host: at.host, port: at.port, path: '/update', method: 'POST', headers, timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => {
        if (res.statusCode === 200) {
          if (failing) log(`trellis manager: the catalog at ${o.address} takes updates again`);
          failing = false;
        } else if (!failing) {
          failing = true;
          log(`trellis manager: the catalog at ${o.address} refused the update: ${text.trim()}`);
        }
        resolve();
      });
      res.on('error', () => resolve());
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (err) => {
      if (!failing) log(`trellis manager: cannot reach the catalog at ${o.address}: ${err.message} (will keep trying)`);
      failing = true;
      resolve();
    });
    req.end(body);
  });

  const tick = () => {
    if (inFlight || manager.port === null) return;
    const text = JSON.stringify(summaryOf(manager.status(), manager.name, listenHost, manager.port, starttime));
    const now = Date.now();
    if (text === lastText && now - lastSent < interval) return;
    lastText = text;
    lastSent = now;
    inFlight = send(text).finally(() => { inFlight = null; });
  };
  const timer = setInterval(tick, Math.min(1000, interval));
  timer.unref();
  tick();

  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      if (manager.port !== null) {
        const gone = summaryOf(manager.status(), manager.name, listenHost, manager.port, starttime) as CatalogRecord;
        gone.gone = true;
        await send(JSON.stringify(gone));
      }
    },
  };
}

function safeUser(): string {
  try { return userInfo().username; } catch { return String(process.getuid?.() ?? 'unknown'); }
}

/** The Manager's `catalog` option checked, with TRELLIS_CATALOG as its default for a named manager. */
export function catalogOption(v: unknown, named: boolean): CatalogReportOptions | null {
  const where = 'new Manager(): option "catalog"';
  if (v === null) return null;
  if (v === undefined) {
    const env = process.env.TRELLIS_CATALOG;
    if (!named || !env) return null;
    catalogAddress(env);
    return { address: env, password: process.env.TRELLIS_CATALOG_PASSWORD || null };
  }
  const o = typeof v === 'string' ? { address: v } : v;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new OptionError(`${where} expects "HOST:PORT" or { address, password?, interval? }, got ${typeof v}`);
  const r = o as Record<string, unknown>;
  if (typeof r.address !== 'string') throw new OptionError(`${where} expects an address "HOST:PORT", got ${JSON.stringify(r.address) ?? 'nothing'}`);
  try { catalogAddress(r.address); } catch (err) { throw new OptionError(`${where}: ${(err as Error).message}`); }
  if (r.password != null && (typeof r.password !== 'string' || r.password === '')) throw new OptionError(`${where} expects password to be a non-empty string, got ${JSON.stringify(r.password)}`);
  if (r.interval !== undefined && (typeof r.interval !== 'number' || !(r.interval > 0))) throw new OptionError(`${where} expects interval to be a number of seconds > 0, got ${JSON.stringify(r.interval)}`);
  return { address: r.address, password: (r.password as string | null | undefined) ?? process.env.TRELLIS_CATALOG_PASSWORD ?? null, interval: r.interval as number | undefined };
}
