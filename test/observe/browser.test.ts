// The report from `trellis plot` and the live dashboard, opened in a real headless Chromium: the page loads
// without errors, every chart draws SVG from the data, the dashboard updates as tasks finish, and /metrics
// speaks the Prometheus text format. Screenshots are left in the test's folder for a person to look at.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Manager, FunctionTask, type Task } from '../../lib/index.js';
import { attachTransactionLog } from '../../lib/logs/transaction-log.js';
import { startDashboard } from '../../lib/dashboard/server.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';
import { writeSyntheticLog } from './synthetic-events.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing, runCli } from './helpers.js';

function nap(ms: number): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}

async function open(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Nothing but the page itself may be fetched: the report is self-contained.
  page.on('request', (r) => { if (!r.url().startsWith(url.replace(/[^/]*$/, '')) && !r.url().startsWith('data:')) errors.push(`fetched ${r.url()}`); });
  await page.goto(url);
  await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
  return { page, errors };
}

/** SVG shapes drawn in each chart (axes alone give a handful; data gives many more). */
async function shapes(page: Page, id: string): Promise<number> {
  return page.locator(`#${id} svg path, #${id} svg rect`).count();
}

describe('reports and the live dashboard in headless Chromium', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-browser-'));
  let browser: Browser;

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.log(`      ${missing}`);
      this.skip();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await stopAllWorkers();
  });

  it('trellis plot writes a self-contained report whose charts draw every series', async () => {
    const log = join(dir, 'tx.jsonl');
    await writeSyntheticLog(log, { tasks: 20_000, workers: 12, coresPerWorker: 8 }, attachTransactionLog);
    const html = join(dir, 'report.html');
    const r = await runCli(['plot', log, '-o', html]);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(html, 'utf8');
    assert.doesNotMatch(text, /<script[^>]+src=|<link[^>]+href="(?!data:)/, 'no external scripts or styles');
    const { page, errors } = await open(browser, `file://${html}`);
    assert.deepEqual(errors, []);
    assert.match(await page.locator('#summary').innerText(), /20000 tasks done \(success 19980, exception 20\) · 12 workers seen/);
    for (const id of ['chart-tasks', 'chart-workers']) assert.ok(await shapes(page, id) > 20, `${id} draws its lines`);
    // Scatter points: one per interval with a measurement, per category.
    assert.ok(await shapes(page, 'chart-memory') > 100, 'memory per category draws points and allocation lines');
    assert.ok(await shapes(page, 'chart-walltime') > 100, 'wall time per category draws points');
    assert.ok(await shapes(page, 'chart-timeline') > 12, 'a bar per worker at least');
    assert.match(await page.locator('#chart-tasks').innerText(), /waiting[\s\S]*running[\s\S]*done/);
    assert.match(await page.locator('#chart-timeline').innerText(), /node1:1000[\s\S]*node12:10011/);
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    assert.ok(statSync(join(dir, 'report.png')).size > 10_000);
    console.log(`      screenshot: ${join(dir, 'report.png')}`);
  });

  it('the live dashboard shows a running manager, updates as tasks finish, and serves /metrics', async () => {
    const manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    const dash = await startDashboard(manager, 0);
    try {
      const port = await manager.listen();
      startWorker([`127.0.0.1:${port}`, '--cores', '2']);
      await until(() => manager.status().workers.length === 1, 20_000, 'a worker');
      const { page, errors } = await open(browser, dash.url);
      const firstRender = await page.getAttribute('body', 'data-rendered');
      // A first batch, then more while the page is open: it must redraw with them.
      const ids: number[] = [];
      for (let i = 0; i < 8; i++) ids.push(manager.submit(new FunctionTask(nap, 150).setOptions({ category: i % 2 ? 'odd' : 'even', memory: 50 })));
      const done: Task[] = [];
      for (let t = await manager.wait(30); t; t = await manager.wait(30)) done.push(t);
      assert.equal(done.length, 8);
      await page.waitForFunction((before) => document.body.getAttribute('data-rendered') !== before &&
        /8 tasks done/.test(document.getElementById('summary')!.textContent ?? ''), firstRender, { timeout: 20_000 });
      assert.deepEqual(errors, []);
      assert.match(await page.locator('#live').innerText(), /live · updated/);
      assert.ok(await shapes(page, 'chart-tasks') > 10);
      assert.match(await page.locator('#chart-walltime').innerText(), /even[\s\S]*odd|odd[\s\S]*even/);
      assert.match(await page.locator('#chart-timeline').innerText(), /vm|:/);
      await page.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
      console.log(`      screenshot: ${join(dir, 'dashboard.png')}`);

      const res = await fetch(`${dash.url}metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const metrics = await res.text();
      const value = (re: RegExp) => Number(re.exec(metrics)?.[1]);
      assert.equal(value(/^trellis_tasks_done_total (\d+)$/m), 8);
      assert.equal(value(/^trellis_tasks_finished_total\{result="success",category="even"\} (\d+)$/m), 4);
      assert.equal(value(/^trellis_tasks\{state="waiting"\} (\d+)$/m), 0);
      assert.equal(value(/^trellis_workers\{state="connected"\} (\d+)$/m), 1);
      assert.equal(value(/^trellis_worker_connections_total (\d+)$/m), 1);
      assert.equal(value(/^trellis_resources\{resource="cores",kind="offered"\} (\d+)$/m), 2);
      assert.equal(value(/^trellis_task_wall_time_seconds_count\{category="odd"\} (\d+)$/m), 4);
      assert.match(metrics, /^# TYPE trellis_tasks gauge$/m);
      assert.match(metrics, /^# TYPE trellis_tasks_finished_total counter$/m);

      const status = await (await fetch(`${dash.url}status.json`)).json() as { workers: unknown[] };
      assert.equal(status.workers.length, 1);
      const missing = await fetch(`${dash.url}nothing`);
      assert.equal(missing.status, 404);
      assert.match(await missing.text(), /no page "\/nothing"; expected \/, \/data\.json, \/status\.json or \/metrics/);
      await page.close();
    } finally {
      await dash.close();
      await manager.close();
    }
  });

  it('startDashboard refuses a bad port and a port in use, saying which', async () => {
    const manager = new Manager({ host: '127.0.0.1', port: 0, log: false });
    await assert.rejects(startDashboard(manager, 70000), /dashboard: port expects an integer from 0 to 65535, got 70000/);
    const first = await startDashboard(manager, 0);
    try {
      await assert.rejects(startDashboard(manager, first.port), new RegExp(`dashboard: cannot listen on 127\\.0\\.0\\.1:${first.port}: .*EADDRINUSE`));
    } finally {
      await first.close();
    }
  });
});
