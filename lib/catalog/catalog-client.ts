// Asks a catalog server for its records (GET /query), optionally filtered on the catalog's side by a JX
// condition, as `trellis catalog-query`, `trellis repl` and workers started with --manager-name do.
import { request } from 'node:http';
import type { CatalogRecord } from './record.js';

export interface CatalogQuery {
  host: string;
  port: number;
  /** A JX condition evaluated by the catalog on each record; only the matching records come back. */
  where?: string;
  /** Seconds to wait for the answer. Default 10. */
  timeout?: number;
}

/** The catalog address from "HOST:PORT", or from TRELLIS_CATALOG when not given. */
export function catalogAddress(given?: string | null): { host: string; port: number } | null {
  const raw = given ?? process.env.TRELLIS_CATALOG ?? '';
  if (!raw) return null;
  const m = /^(.*):(\d+)$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port < 1 || port > 65535) {
    throw new Error(`expected the catalog address as HOST:PORT (e.g. 127.0.0.1:9097)${given ? '' : ' in TRELLIS_CATALOG'}, got "${raw}"`);
  }
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

export function queryCatalog(q: CatalogQuery): Promise<CatalogRecord[]> {
  const where = `${q.host}:${q.port}`;
  const path = '/query' + (q.where ? `?where=${encodeURIComponent(q.where)}` : '');
  const seconds = q.timeout ?? 10;
  return new Promise((resolve, reject) => {
    const req = request({ host: q.host, port: q.port, path, method: 'GET', timeout: seconds * 1000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(new Error(`the catalog at ${where} broke off its answer: ${err.message}`)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new Error(`the catalog at ${where} refused the query: ${text.trim() || `HTTP ${res.statusCode}`}`));
          return;
        }
        try {
          const body = JSON.parse(text) as unknown;
          if (!Array.isArray(body)) throw new Error(`expected a list of records, got ${typeof body}`);
          resolve(body as CatalogRecord[]);
        } catch (err) {
          reject(new Error(`the catalog at ${where} answered with something else than JSON records: ${(err as Error).message}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${seconds} s`)));
    req.on('error', (err) => reject(new Error(`cannot reach the catalog at ${where}: ${err.message}`)));
    req.end();
  });
}
