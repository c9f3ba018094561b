// Every command's --help: each option's default said once, and every line fits 100 columns.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/paths.js';

function help(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args, '--help'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('trellis --help', () => {
  const top = help([]);
  const commands = [...top.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <|\s)/gm)].map((m) => m[1]).filter((c) => c !== 'help');

  it('lists the commands', () => {
    for (const c of ['worker', 'status', 'analyze', 'pack', 'run', 'allocate', 'factory', 'plot']) assert.ok(commands.includes(c), c);
  });

  it('says each default once per option, within 100 columns', () => {
    for (const c of commands) {
      const text = help([c]);
      const options = text.split(/\n(?= {2}-)/);
      for (const o of options) {
        const flat = o.replace(/\s+/g, ' ');
        assert.ok((flat.match(/\(default/g) ?? []).length <= 1, `trellis ${c}: a default said twice: ${flat}`);
      }
      for (const line of text.split('\n')) assert.ok(line.length <= 100, `trellis ${c}: line over 100 columns: ${line}`);
    }
  });
});
