// `trellis pack FILE|SPEC.json [--function NAME] -o env.tar.gz`: builds an environment archive.
import { Command } from 'commander';
import { packEnvironment, PACK_STEPS } from '../analyzer/pack-environment.js';
import { createProgress } from '../lib/progress.js';
import { analyzerStep } from './analyze-command.js';

export function packCommand(): Command {
  return new Command('pack')
    .description('build the environment archive of a module, a function of it, or a spec')
    .argument('<file>', 'a JavaScript or TypeScript module, or a spec (.json) as trellis analyze --json prints it')
    .option('--function <name>', 'pack only this function of the module')
    .requiredOption('-o, --output <archive>', 'the archive to write (.tar.gz)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { function?: string; output: string; json?: boolean }) => {
      const isSpec = file.endsWith('.json');
      if (isSpec && o.function !== undefined) {
        throw new Error(`pack: --function goes with a module; a spec names its function in "function.export" (got --function ${o.function} and ${file})`);
      }
      // A bar on a terminal (packing a heavy package takes seconds); nothing when piped.
      const bar = createProgress({ label: 'pack', total: PACK_STEPS.length, enabled: !o.json });
      const onStep = (done: number) => bar.update(done);
      const r = await analyzerStep('pack', () =>
        packEnvironment(
          isSpec ? { specFile: file, out: o.output, onStep }
            : { file, ...(o.function !== undefined ? { functionName: o.function } : {}), out: o.output, onStep },
        ),
      ).finally(() => bar.stop());
      const files = Object.keys(r.manifest.files).length + 1;
      if (o.json) {
        console.log(JSON.stringify({ archive: r.out, hash: r.hash, bytes: r.bytes, contentBytes: r.contentBytes, files }));
      } else {
        console.log(`${r.out}: environment ${r.hash}, ${files} files, ${r.contentBytes} bytes (${r.bytes} compressed)`);
        for (const w of r.manifest.spec.warnings ?? []) console.error(`warning: ${w}`);
      }
    });
}
