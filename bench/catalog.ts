// Catalog updates per second it sustains: concurrent clients POST manager summaries (signed, and unsigned to
// a catalog without a password) for 1,000 distinct managers over keep-alive connections; the baseline is an
// HTTP server in the same process that only reads each body and answers 200, under the same load.
import { Agent, createServer, request } from 'node:http';
import { startCatalog } from '../lib/catalog/catalog-server.js';
import { signUpdate } from '../lib/catalog/update-signature.js';
import type { BenchResult } from './run.js';

const MANAGERS = 1000;
const CLIENTS = 32;

function summary(i: number): string {
  return JSON.stringify({
    type: 'trellis-manager', project: `proj-${i % 50}`, host: `node${i}`, address: `10.0.${i >> 8}.${i & 255}`, port: 9000 + (i % 1000),
    protocol: 1, tasks_preparing: 0, tasks_waiting: i % 100, tasks_running: i % 16, tasks_done: i, workers: i % 8,
    cores_inuse: i % 16, cores_total: 64, memory_inuse: 1000, memory_total: 64000, categories: ['a', 'b', 'c'],
    starttime: 1.7e9, owner: 'bench',
  });
}

async function load(port: number, password: string | null, ms: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  let sent = 0;
  let failed = 0;
  const end = performance.now() + ms;
  const client = async (c: number) => {
    for (let i = c; performance.now() < end; i += CLIENTS) {
      const body = summary(i % MANAGERS);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      if (password) Object.assign(headers, signUpdate(password, body));
      const ok = await new Promise<boolean>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/update', method: 'POST', headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        });
        req.on('error', () => resolve(false));
        req.end(body);
      });
      if (ok) sent++; else failed++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  agent.destroy();
  if (failed) throw new Error(`${failed} updates were refused`);
  return sent / ((performance.now() - start) / 1000);
}

export default async function catalogBench(args: string[]): Promise<BenchResult> {
  const seconds = Number(args[args.indexOf('--seconds') + 1] || 5) || 5;
  const baseline = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200); res.end('ok\n'); }); });
  await new Promise<void>((r) => baseline.listen(0, '127.0.0.1', r));
  const basePort = (baseline.address() as { port: number }).port;
  const baseRate = await load(basePort, null, seconds * 1000);
  baseline.close();
  baseline.closeAllConnections();

  const open = await startCatalog({ host: '127.0.0.1', port: 0, log: () => {} });
  const openRate = await load(open.port, null, seconds * 1000);
  const records = open.store.size;
  await open.close();

  const signed = await startCatalog({ host: '127.0.0.1', port: 0, password: 'bench-secret', log: () => {} });
  const signedRate = await load(signed.port, 'bench-secret', seconds * 1000);
  await signed.close();

  const figures = {
    seconds, clients: CLIENTS, managers: MANAGERS, recordsKept: records,
    baselineRequestsPerSecond: Math.round(baseRate),
    updatesPerSecond: Math.round(openRate), ratioToBaseline: +(openRate / baseRate).toFixed(3),
    signedUpdatesPerSecond: Math.round(signedRate), signedRatioToBaseline: +(signedRate / baseRate).toFixed(3),
  };
  return {
    figures,
    report: [
      `catalog updates/s, ${CLIENTS} keep-alive clients, ${MANAGERS} managers, ${seconds} s each (clients in the same process):`,
      `  bare HTTP server (reads body, answers 200): ${figures.baselineRequestsPerSecond} req/s`,
      `  catalog, no password:   ${figures.updatesPerSecond} updates/s (ratio ${figures.ratioToBaseline})`,
      `  catalog, signed (HMAC): ${figures.signedUpdatesPerSecond} updates/s (ratio ${figures.signedRatioToBaseline})`,
    ],
  };
}
