// `trellis plot`: reads transaction and/or performance logs as streams, aggregates them while reading, and
// writes the self-contained HTML report.
import { writeFileSync } from 'node:fs';
import { readLog, readLogHeader } from '../logs/log-reader.js';
import { Timeline, type Sample } from './timeline.js';
import { reportPage } from './report-page.js';
import type { ReportData } from './report-data.js';

/** Reads the logs (any mix of transaction and performance logs of one run) into report data. */
export async function reportFromLogs(paths: string[]): Promise<ReportData> {
  if (!Array.isArray(paths) || paths.length === 0) throw new TypeError('trellis plot: expected at least one log file, got none');
  const logs = [];
  for (const path of paths) logs.push({ path, header: await readLogHeader(path) });
  const timeline = new Timeline(Math.min(...logs.map((l) => l.header.time)));
  timeline.title = logs[0].header.manager || 'Trellis';
  // Transaction logs first: when both kinds are given, task and worker counts come from the events.
  logs.sort((a, b) => Number(b.header.log === 'transactions') - Number(a.header.log === 'transactions'));
  for (const { path, header } of logs) {
    await readLog(path, header.log === 'transactions'
      ? (r) => timeline.event(r)
      : (r) => { if (r.type === 'performance') timeline.sample(r as unknown as Sample); });
  }
  return timeline.report();
}

export async function plotLogs(paths: string[], output: string): Promise<ReportData> {
  const data = await reportFromLogs(paths);
  try {
    writeFileSync(output, reportPage(data));
  } catch (err) {
    throw new Error(`cannot write the report "${output}": ${(err as Error).message}`);
  }
  return data;
}
