// The catalog server: managers POST their summary to /update (signed when the catalog has a password),
// anyone GETs /query?where=JX for the live records that match, the condition evaluated here, bounded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { compileFilter, JxError } from '../jx/index.js';
import { CatalogStore } from './catalog-store.js';
import { checkRecord } from './check-record.js';
import { UpdateVerifier } from './update-signature.js';

export interface CatalogOptions {
  host?: string;
  /** 0 picks a free port. Default 9097. */
  port?: number;
  password?: string | null;
  /** Seconds a record lives after its last update. Default 60. */
  lifetime?: number;
  /** The snapshot file; null keeps nothing across restarts. */
  snapshot?: string | null;
  /** Largest update body accepted, in bytes. Default 65536. */
  maxUpdateSize?: number;
  /** Most managers kept; updates for new ones past it are refused (old ones still refresh). Default 10,000. */
  maxRecords?: number;
  /** Steps a query's condition may take over all records. Default 10,000,000. */
  maxQuerySteps?: number;
  log?: (line: string) => void;
}

export interface CatalogServer {
  port: number;
  store: CatalogStore;
  /** Updates accepted and refused since the start. */
  counts: { accepted: number; refused: number };
  close(): Promise<void>;
}

export async function startCatalog(o: CatalogOptions = {}): Promise<CatalogServer> {
  const log = o.log ?? ((line: string) => console.error(line));
  const store = new CatalogStore(o.lifetime ?? 60, o.snapshot ?? null, log);
  const verifier = o.password ? new UpdateVerifier(o.password) : null;
  const maxSize = o.maxUpdateSize ?? 65536;
  const counts = { accepted: 0, refused: 0 };

  const refuse = (res: ServerResponse, code: number, message: string, peer: string) => {
    counts.refused++;
    if (code === 403) log(`trellis catalog: refused an update from ${peer}: ${message}`);
    reply(res, code, message);
  };

  const update = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const peer = (req.socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
    if (verifier) {
      const why = verifier.check(req.headers, body);
      if (why) return refuse(res, 403, why, peer);
    }
    const record = checkRecord(body);
    if (typeof record === 'string') return refuse(res, 400, `bad update: ${record}`, peer);
    // Workers connect where the update came from, unless the manager named an address it listens on.
    record.address ??= peer;
    if (record.gone !== true && !store.has(record) && store.size >= (o.maxRecords ?? 10_000)) {
      return refuse(res, 503, `the catalog keeps at most ${o.maxRecords ?? 10_000} managers and is full`, peer);
    }
    if (record.gone === true) store.remove(record);
    else store.put(record);
    counts.accepted++;
    reply(res, 200, 'ok');
  };

  const query = (url: URL, res: ServerResponse) => {
    const where = url.searchParams.get('where');
    let records = store.live();
    if (where) {
      try {
        records = compileFilter(where, { maxSteps: o.maxQuerySteps })(records as never) as never;
      } catch (err) {
        return reply(res, 400, `bad query: ${err instanceof JxError ? err.display() : (err as Error).message}`);
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(records));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://catalog');
    if (req.method === 'GET' && (url.pathname === '/query' || url.pathname === '/')) return query(url, res);
    if (req.method !== 'POST' || url.pathname !== '/update') {
      return reply(res, 404, `expected GET /query[?where=JX] or POST /update, got ${req.method} ${url.pathname}`);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxSize) { res.setHeader('connection', 'close'); return refuse(res, 413, `an update is at most ${maxSize} bytes, got ${declared}`, req.socket.remoteAddress ?? '?'); }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxSize) {
        res.setHeader('connection', 'close');
        refuse(res, 413, `an update is at most ${maxSize} bytes, got more`, req.socket.remoteAddress ?? '?');
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (size <= maxSize) update(req, res, Buffer.concat(chunks).toString('utf8')); });
    req.on('error', () => { /* the peer went away; nothing was accepted */ });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 9097, o.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
  const sweep = setInterval(() => store.live(), 1000);
  sweep.unref();
  return {
    port, store, counts,
    async close() {
      clearInterval(sweep);
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      store.flush();
    },
  };
}

function reply(res: ServerResponse, code: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message + '\n');
}
