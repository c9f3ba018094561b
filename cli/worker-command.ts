// `trellis worker HOST:PORT`: runs a worker until it is stopped, idle, out of wall time, or the manager is gone.
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import { Worker } from '../runtime/worker.js';
import { nonNegative, positive, hostPort } from './parse-values.js';
import { connectStatus, type Verbosity } from './connect-status.js';
import { addLinkOptions, linkSettings } from './link-options.js';
import { runByName } from './worker-by-name.js';
import { catalogAddress } from '../lib/catalog/catalog-client.js';
import { checkProjectPattern } from '../lib/catalog/find-managers.js';

export function workerCommand(): Command {
  return addLinkOptions(new Command('worker'))
    .description('connect to a manager (by address, or by project name through a catalog) and run its tasks')
    .argument('[host:port]', 'the manager address (or give --manager-name)', hostPort)
    .option('--manager-name <regex>', 'serve live managers whose project matches, found through the catalog')
    .option('--catalog <host:port>', 'the catalog for --manager-name (default: TRELLIS_CATALOG)')
    .option('--managers <n>', 'with --manager-name: serve this many managers at once, resources split between them', positive('--managers'), 1)
    .option('--cores <n>', 'cores to offer (default: this machine\'s)', nonNegative('--cores'))
    .option('--memory <mb>', 'memory to offer in MB (default: this machine\'s)', nonNegative('--memory'))
    .option('--disk <mb>', 'disk to offer in MB (default: free space of the cache folder)', nonNegative('--disk'))
    .option('--gpus <n>', 'GPUs to offer (default: those the NVIDIA driver lists)', nonNegative('--gpus', true))
    .option('--wall-time <s>', 'exit after this many seconds', nonNegative('--wall-time'))
    .option('--idle-timeout <s>', 'exit after this many seconds without tasks', nonNegative('--idle-timeout'))
    .option('--connect-timeout <s>', 'keep trying to reach the manager this long', nonNegative('--connect-timeout'), 60)
    .option('--cache-dir <dir>', 'where environments and input files are cached')
    .option('--cache-size <mb>', 'MB of environments to keep there; past it the least recently used go (default: no cap)', positive('--cache-size'))
    .option('--name <name>', 'how the manager names this worker')
    .option('-q, --quiet', 'print only why the worker exits')
    .option('-v, --verbose', 'print every attempt to reach the manager on its own line')
    .action(async (addr: { host: string; port: number } | undefined, o: Record<string, unknown>) => {
      // A quarter of V8's default budget: the few functions every call runs are optimized within the first few
      // hundred calls, not thousands, so their compile jobs stop competing with the calls for the cores early.
      setFlagsFromString('--interrupt-budget=16000');
      const verbosity: Verbosity = o.quiet ? 'quiet' : o.verbose ? 'verbose' : 'normal';
      const status = connectStatus(process.stderr, verbosity);
      const say = (line: string) => { status.done(); console.error(line); };
      if (o.managerName !== undefined) {
        if (addr) throw new Error(`expected either HOST:PORT or --manager-name, got both (${addr.host}:${addr.port} and "${o.managerName as string}")`);
        checkProjectPattern(o.managerName as string);
        const catalog = catalogAddress(o.catalog as string | undefined);
        if (!catalog) throw new Error('--manager-name needs a catalog: give --catalog HOST:PORT or set TRELLIS_CATALOG');
        const reason = await runByName({
          pattern: o.managerName as string, catalog, managers: Math.floor(o.managers as number),
          idleTimeout: (o.idleTimeout as number | undefined) ?? null, wallTime: (o.wallTime as number | undefined) ?? null,
          worker: {
            ...linkSettings(o), cores: o.cores as number | undefined, memory: o.memory as number | undefined, disk: o.disk as number | undefined,
            gpus: o.gpus as number | undefined, cacheDir: o.cacheDir as string | undefined,
            cacheSize: (o.cacheSize as number | undefined) ?? null, name: o.name as string | undefined,
          },
          log: verbosity === 'quiet' ? () => {} : say,
        });
        console.error(`trellis worker: exiting: ${reason}`);
        return;
      }
      if (!addr) throw new Error('expected the manager address HOST:PORT, or --manager-name REGEX to find managers through a catalog');
      const worker = new Worker({
        host: addr.host, port: addr.port, ...linkSettings(o),
        cores: o.cores as number | undefined, memory: o.memory as number | undefined, disk: o.disk as number | undefined,
        gpus: o.gpus as number | undefined, wallTime: (o.wallTime as number | undefined) ?? null,
        idleTimeout: (o.idleTimeout as number | undefined) ?? null, connectTimeout: o.connectTimeout as number,
        cacheDir: o.cacheDir as string | undefined, cacheSize: (o.cacheSize as number | undefined) ?? null, name: o.name as string | undefined,
        log: verbosity === 'quiet' ? false : say, onConnectRetry: status.onRetry,
      });
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => worker.stop(`received ${sig}`));
      const reason = await worker.run().finally(() => status.done());
      console.error(`trellis worker: exiting: ${reason}`);
    });
}
