// `trellis catalog`: the catalog server managers advertise themselves to; `trellis catalog-query`: asks it
// which managers are live, filtered on the catalog's side by a JX condition.
import { Command, InvalidArgumentError } from 'commander';
import { startCatalog } from '../lib/catalog/catalog-server.js';
import { catalogAddress, queryCatalog } from '../lib/catalog/catalog-client.js';
import { evaluateJx, jxToString, JxError } from '../lib/jx/index.js';
import { jxOption } from './jx-option.js';
import { nonNegative, positive } from './parse-values.js';
import { readPasswordFile } from './password-file.js';
import Table from 'cli-table3';

function port(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port expects an integer from 0 to 65535, got "${raw}"`);
  return n;
}

export function catalogCommand(): Command {
  return new Command('catalog')
    .description('run a catalog server: managers with a name advertise themselves to it, workers find them by name')
    .option('--host <addr>', 'address to listen on', '0.0.0.0')
    .option('--port <n>', 'port to listen on (0 picks a free one)', port, 9097)
    .option('--password-file <file>', 'file whose first line is the password updates must be signed with')
    .option('--snapshot <file>', 'keep the records in this file so a restart keeps them')
    .option('--lifetime <s>', 'forget a manager this many seconds after its last update', positive('--lifetime'), 60)
    .option('--max-update-size <bytes>', 'largest update accepted', positive('--max-update-size'), 65536)
    .action(async (o: Record<string, unknown>) => {
      const password = o.passwordFile ? readPasswordFile(o.passwordFile as string) : null;
      const server = await startCatalog({
        host: o.host as string, port: o.port as number, password, snapshot: (o.snapshot as string | undefined) ?? null,
        lifetime: o.lifetime as number, maxUpdateSize: o.maxUpdateSize as number,
      });
      console.log(`trellis catalog: listening on ${o.host as string}:${server.port}${password ? ' (updates must be signed)' : ' (no password: anyone may advertise a manager)'}`);
      await new Promise<void>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
      });
      await server.close();
    });
}

export function catalogQueryCommand(): Command {
  return new Command('catalog-query')
    .description('list the live managers a catalog knows, those matching --where (evaluated by the catalog)')
    .option('--catalog <host:port>', 'the catalog (default: TRELLIS_CATALOG)')
    .option('--where <jx>', 'a JX condition on each record, e.g. \'project.like("cms.*") and tasks_waiting > 0\'', jxOption('--where'))
    .option('--select <jx>', 'a JX expression evaluated here on the list of matching records (named records)', jxOption('--select'))
    .option('--json', 'print the records as JSON')
    .option('--timeout <s>', 'give up after this many seconds', nonNegative('--timeout'), 10)
    .action(async (o: Record<string, unknown>) => {
      const at = catalogAddress(o.catalog as string | undefined);
      if (!at) throw new Error('expected the catalog address: give --catalog HOST:PORT or set TRELLIS_CATALOG');
      const records = await queryCatalog({ ...at, where: o.where as string | undefined, timeout: o.timeout as number });
      if (o.select) {
        try {
          console.log(jxToString(evaluateJx(o.select as string, { records: records as never }), o.json ? 2 : 0));
        } catch (err) {
          throw err instanceof JxError ? new Error(err.display()) : err;
        }
        return;
      }
      if (o.json) { console.log(JSON.stringify(records, null, 2)); return; }
      const table = new Table({ head: ['project', 'address', 'waiting', 'running', 'done', 'workers', 'cores', 'owner', 'age s'] });
      const now = Date.now() / 1000;
      for (const r of records) {
        table.push([r.project, `${r.address}:${r.port}`, r.tasks_waiting, r.tasks_running, r.tasks_done, r.workers,
          `${r.cores_inuse}/${r.cores_total}`, r.owner, Math.round(now - (r.lastheardfrom ?? now))]);
      }
      console.log(records.length ? table.toString() : 'no live manager matches');
    });
}
