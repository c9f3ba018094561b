// The live dashboard: an HTTP server showing the report page for a running manager, updating every 2 s, with
// the data as JSON, the status as JSON and Prometheus metrics.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Timeline } from './timeline.js';
import { reportPage } from './report-page.js';
import { managerMetrics } from './metrics.js';
import type { ObservedManager } from '../logs/observed-manager.js';
import { performanceRecord } from '../logs/performance-log.js';
import { OptionError, describeValue } from '../options.js';

export interface Dashboard {
  port: number;
  url: string;
  close(): Promise<void>;
}

const SAMPLE_SECONDS = 1;

/** Serves `/` (the page), `/data.json`, `/status.json` and `/metrics` on host:port (port 0: any free one). */
export async function startDashboard(manager: ObservedManager, port: number, host = '127.0.0.1'): Promise<Dashboard> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionError(`dashboard: port expects an integer from 0 to 65535, got ${describeValue(port)}`);
  }
  if (typeof host !== 'string' || host === '') throw new OptionError(`dashboard: host expects a non-empty string, got ${describeValue(host)}`);
  const timeline = new Timeline(Date.now() / 1000);
  timeline.countsFromSamples = true; // the manager's own counts are exact; events add categories and workers
  timeline.title = manager.status().name;
  const sample = () => {
    const s = manager.status();
    const rec = performanceRecord(s);
    timeline.sample({ ...rec, perWorker: s.workers.map((w) => ({ name: w.name, host: w.host, cores: w.resources.cores,
      running: w.running, tasksDone: w.tasksDone, connectedAt: w.connectedAt })) });
  };
  const stopEvents = manager.onEvent((e) => timeline.event(e as unknown as Record<string, unknown>));
  const metrics = managerMetrics(manager);
  sample();
  const timer = setInterval(sample, SAMPLE_SECONDS * 1000);
  timer.unref();

  // The manager's warnings (tasks that fit on no worker, ...) lead the page's notes.
  const report = () => {
    const r = timeline.report(Date.now() / 1000);
    return { ...r, notes: [...(manager.status().warnings ?? []), ...r.notes] };
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', `expected GET, got ${req.method}\n`);
    // A fresh sample first: the counts in the page then agree with the results its events have counted.
    if (path === '/' || path === '/index.html' || path === '/data.json') sample();
    if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', reportPage(report(), 'data.json'));
    if (path === '/data.json') return send(res, 200, 'application/json', JSON.stringify(report()));
    if (path === '/status.json') return send(res, 200, 'application/json', JSON.stringify(manager.status()));
    if (path === '/metrics') return send(res, 200, metrics.contentType, await metrics.text());
    send(res, 404, 'text/plain', `no page "${path}"; expected /, /data.json, /status.json or /metrics\n`);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, 'text/plain', `${err.message}\n`));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`dashboard: cannot listen on ${host}:${port}: ${err.message}`)));
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    clearInterval(timer);
    stopEvents();
    metrics.stop();
    throw err;
  }
  server.unref(); // the dashboard must not keep a finished application alive
  const bound = (server.address() as { port: number }).port;
  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`,
    close: async () => {
      clearInterval(timer);
      stopEvents();
      metrics.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
