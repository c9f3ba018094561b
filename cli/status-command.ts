// `trellis status HOST:PORT`: asks a running manager what it is doing and prints it as tables or JSON.
import { Command } from 'commander';
import { askStatus } from '../lib/status-client.js';
import { jxToString } from '../lib/jx/index.js';
import { jxOption } from './jx-option.js';
import { statusText, statusJson, type StatusSection } from '../lib/dashboard/status-tables.js';
import type { StatusView } from '../lib/logs/observed-manager.js';
import { hostPort, nonNegative } from './parse-values.js';
import { addLinkOptions, linkSettings } from './link-options.js';

export function statusCommand(): Command {
  return addLinkOptions(new Command('status'))
    .description('show what a running manager is doing: workers, tasks, categories (all of them by default)')
    .argument('<host:port>', 'the manager address', hostPort)
    .option('--workers', 'each worker: resources in use / offered, tasks running and done')
    .option('--tasks', 'tasks by state')
    .option('--categories', 'each category: tasks, allocation, measurements')
    .option('--summary', 'workers grouped by the resources they offer')
    .option('--json', 'print JSON instead of tables')
    .option('--where <jx>', 'only the workers, categories and tasks for which this JX condition is true (evaluated by the manager)', jxOption('--where'))
    .option('--select <jx>', 'print this JX expression evaluated by the manager on its status: workers, categories, tasks (a list), counts', jxOption('--select'))
    .option('--timeout <s>', 'give up after this many seconds', nonNegative('--timeout'), 10)
    .action(async (addr: { host: string; port: number }, o: Record<string, unknown>) => {
      const sections = (['workers', 'tasks', 'categories', 'summary'] as StatusSection[]).filter((s) => o[s]);
      const query = { where: o.where as string | undefined, select: o.select as string | undefined };
      const wantTasks = sections.length === 0 || sections.includes('tasks') || query.where !== undefined || query.select !== undefined;
      const answer = await askStatus({ host: addr.host, port: addr.port, ...linkSettings(o), timeout: o.timeout as number, tasks: wantTasks, ...query });
      const where = `${addr.host}:${addr.port}`;
      if (query.where !== undefined || query.select !== undefined) {
        if (!answer.query) throw new Error(`the manager at ${where} does not answer JX queries (an older version)`);
        if (answer.query.error !== undefined) throw new Error(`the manager at ${where} could not answer the query: ${answer.query.error}`);
        if (query.select !== undefined) { console.log(jxToString(answer.query.value, o.json ? 2 : 0)); return; }
      }
      const status = answer.status as StatusView;
      console.log(o.json ? JSON.stringify(statusJson(status, sections), null, 2) : statusText(status, where, sections));
    });
}
