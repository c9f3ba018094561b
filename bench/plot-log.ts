// `npm run bench -- plot-log [--tasks N]`: writes a transaction log of N synthetic tasks (default 10^6: three
// state changes each) through the real log writer, then reads and plots it with `trellis plot`'s code,
// reporting time, file size and the plotter's peak memory.
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchResult } from './run.js';
import { attachTransactionLog } from '../lib/logs/transaction-log.js';
import { plotLogs } from '../lib/dashboard/plot-log.js';
import { writeSyntheticLog } from '../test/observe/synthetic-events.js';

export default async function plotLogBench(args: string[]): Promise<BenchResult> {
  const i = args.indexOf('--tasks');
  const tasks = i >= 0 ? Number(args[i + 1]) : 1_000_000;
  if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`plot-log: --tasks expects an integer >= 1, got ${args[i + 1]}`);
  const dir = mkdtempSync(join(tmpdir(), 'trellis-bench-log-'));
  try {
    const log = join(dir, 'tx.jsonl');
    const html = join(dir, 'report.html');
    let t = performance.now();
    const events = await writeSyntheticLog(log, { tasks, workers: 100, coresPerWorker: 16 }, attachTransactionLog);
    const writeSeconds = (performance.now() - t) / 1000;
    const rssBefore = process.memoryUsage().rss;
    t = performance.now();
    let peakRss = rssBefore;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
    const data = await plotLogs([log], html);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const plotSeconds = (performance.now() - t) / 1000;
    const logMB = statSync(log).size / 1e6;
    const htmlMB = statSync(html).size / 1e6;
    const figures = { tasks, events, logMB: +logMB.toFixed(1), writeSeconds: +writeSeconds.toFixed(2),
      writeEventsPerSecond: Math.round(events / writeSeconds), plotSeconds: +plotSeconds.toFixed(2),
      plotEventsPerSecond: Math.round(events / plotSeconds), plotPeakRssMB: Math.round(peakRss / 1e6),
      plotRssGrowthMB: Math.round((peakRss - rssBefore) / 1e6), htmlMB: +htmlMB.toFixed(2), intervals: data.times.length,
      tasksDoneInReport: data.totals.tasksDone };
    return {
      figures,
      report: [
        `transaction log of ${tasks} tasks: ${events} events, ${figures.logMB} MB, written in ${figures.writeSeconds} s (${figures.writeEventsPerSecond} events/s)`,
        `plot: ${figures.plotSeconds} s (${figures.plotEventsPerSecond} events/s), peak RSS ${figures.plotPeakRssMB} MB ` +
          `(+${figures.plotRssGrowthMB} MB while plotting), report ${figures.htmlMB} MB with ${figures.intervals} intervals, ` +
          `${figures.tasksDoneInReport} tasks done`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
