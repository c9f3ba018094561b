// `trellis status HOST:PORT`: asks a running manager what it is doing and prints it as tables or JSON.
import { Command } from 'commander';
import { queryStatus } from '../lib/status-client.js';
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
    .option('--timeout <s>', 'give up after this many seconds', nonNegative('--timeout'), 10)
    .action(async (addr: { host: string; port: number }, o: Record<string, unknown>) => {
      const sections = (['workers', 'tasks', 'categories', 'summary'] as StatusSection[]).filter((s) => o[s]);
      const wantTasks = sections.length === 0 || sections.includes('tasks');
      const status = await queryStatus({ host: addr.host, port: addr.port, ...linkSettings(o), timeout: o.timeout as number, tasks: wantTasks }) as StatusView;
      const where = `${addr.host}:${addr.port}`;
      console.log(o.json ? JSON.stringify(statusJson(status, sections), null, 2) : statusText(status, where, sections));
    });
}
