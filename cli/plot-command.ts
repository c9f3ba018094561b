// `trellis plot LOG... -o report.html`: a self-contained HTML report from transaction and performance logs.
import { Command } from 'commander';
import { plotLogs } from '../lib/dashboard/plot-log.js';

export function plotCommand(): Command {
  return new Command('plot')
    .description('write an HTML report (charts, no network needed to view it) from Trellis logs')
    .argument('<log...>', 'transaction and/or performance logs of one run')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .action(async (logs: string[], o: { output: string }) => {
      const data = await plotLogs(logs, o.output);
      console.error(`trellis plot: wrote ${o.output}: ${data.totals.events} events, ${data.totals.tasksDone} tasks done, ` +
        `${data.totals.workersSeen} workers, ${data.times.length} intervals of ${data.binSeconds} s`);
    });
}
