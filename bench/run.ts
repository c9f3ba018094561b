// `npm run bench -- NAME [--json] [options]`: runs bench/NAME and prints its figures (one JSON object with --json).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  figures: Record<string, number | string | unknown>;
  /** Human-readable lines. */
  report: string[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(here).filter((f) => f.endsWith('.js') && !['run.js'].includes(f) && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`bench: expected one of ${names.join(', ')}, got ${name === undefined ? 'nothing' : `"${name}"`}`);
  process.exit(2);
}
const json = rest.includes('--json');
const mod = (await import(`./${name}.js`)) as { default: (args: string[]) => Promise<BenchResult> };
const result = await mod.default(rest.filter((a) => a !== '--json'));
if (json) console.log(JSON.stringify(result.figures));
else for (const line of result.report) console.log(line);
process.exit(0);
