// `trellis run -e env.tar.gz [--unpack-to DIR] -- CMD ...`: runs a command inside an environment,
// unpacking it first (once per node: later and concurrent runs reuse it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { Command } from 'commander';
import { checkNodeVersion, defaultEnvironmentCache, environmentVariables } from '../analyzer/environment-variables.js';
import { unpackEnvironment } from '../analyzer/unpack-environment.js';
import { analyzerStep } from './analyze-command.js';

export function runCommand(): Command {
  return new Command('run')
    .description('run a command inside an environment archive (variables set: TRELLIS_ENV_DIR, TRELLIS_ENV_ENTRY, ...)')
    .requiredOption('-e, --env <archive>', 'the environment archive (from trellis pack)')
    .option('--unpack-to <dir>', 'unpack here instead of the cache')
    .option('--cache-dir <dir>', 'where environments are unpacked, by hash (default: $TRELLIS_CACHE/envs or ~/.cache/trellis/envs)')
    .argument('<command...>', 'the command and its arguments, after --')
    .action(async (command: string[], o: { env: string; unpackTo?: string; cacheDir?: string }) => {
      const unpacked = await analyzerStep('run', async () => {
        const u = await unpackEnvironment(o.env, o.unpackTo !== undefined ? { into: o.unpackTo } : { cacheDir: o.cacheDir ?? defaultEnvironmentCache() });
        checkNodeVersion(u);
        return u;
      });
      const [cmd, ...args] = command as [string, ...string[]];
      const child = spawn(cmd, args, { stdio: 'inherit', env: environmentVariables(unpacked) });
      const forward = (sig: NodeJS.Signals): void => void child.kill(sig);
      process.on('SIGINT', forward).on('SIGTERM', forward);
      const code = await new Promise<number>((resolve, reject) => {
        child.once('error', (err) => reject(new Error(`run: cannot start ${cmd}: ${err.message}`)));
        child.once('exit', (c, sig) => resolve(c ?? 128 + (sig ? constants.signals[sig] : 0)));
      });
      process.off('SIGINT', forward).off('SIGTERM', forward);
      process.exitCode = code;
    });
}
