// `trellis analyze FILE [--function NAME] [--json]`: the environment spec of a module or one function.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { analyzeEnvironment } from '../analyzer/analyze-environment.js';
import { formatSpec, type EnvironmentSpec } from '../analyzer/environment-spec.js';
import { AnalyzerError } from '../analyzer/errors.js';

export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('print the environment a module, or one function of it, needs')
    .argument('<file>', 'a JavaScript or TypeScript module')
    .option('--function <name>', 'analyze only this function of the module')
    .option('--json', 'print the spec as JSON (the input of trellis pack)')
    .action(async (file: string, o: { function?: string; json?: boolean }) => {
      const analysis = await analyzerStep('analyze', () =>
        analyzeEnvironment({ file, ...(o.function !== undefined ? { functionName: o.function } : {}) }),
      );
      if (o.json) process.stdout.write(formatSpec(analysis.spec));
      else process.stdout.write(describeSpec(analysis.spec, analysis.root));
    });
}

/** Runs an analyzer step; its errors lose the remote() wording and name the command instead. */
export async function analyzerStep<T>(command: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof AnalyzerError) throw new Error(`${command}: ${err.message.replace(/^remote\(\): /, '')}`);
    throw err;
  }
}

function describeSpec(spec: EnvironmentSpec, root: string): string {
  const none = '(none)';
  const list = (xs: string[] | undefined): string => (xs && xs.length > 0 ? xs.join('\n          ') : none);
  const pairs = (r: Record<string, string> | undefined): string[] => Object.entries(r ?? {}).map(([k, v]) => `${k} ${v}`);
  let bytes = 0;
  for (const f of spec.files ?? []) {
    try {
      bytes += statSync(join(root, f)).size;
    } catch {
      // listed but gone since: counted as empty
    }
  }
  const what = spec.function?.export !== undefined ? `function ${spec.function.export} of ${spec.function.module}` : `module ${spec.function?.module}`;
  const lines = [
    `${what} (project root ${root})`,
    `node      ${spec.node}`,
    `npm       ${list(pairs(spec.npm))}`,
    `builtins  ${list(spec.builtins)}`,
    `local     ${list(spec.local)}`,
    `data      ${list(spec.data)}`,
    `native    ${list(pairs(spec.native).map((p) => `${p} (copied whole)`))}`,
    `files     ${spec.files?.length ?? 0} files, ${bytes} bytes (--json lists them)`,
  ];
  for (const w of spec.warnings ?? []) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
