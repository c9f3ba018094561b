// The API reference in docs/reference is generated from the TypeScript by TypeDoc; this keeps it from drifting.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../helpers/paths.js';

function tree(dir: string, root = dir, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tree(p, root, out);
    else out.set(relative(root, p), readFileSync(p, 'utf8'));
  }
  return out;
}

describe('the generated API reference', function () {
  this.timeout(120_000);

  it('is what TypeDoc makes from the code today (run `npm run docs` after changing the public API)', () => {
    const out = mkdtempSync(join(tmpdir(), 'trellis-typedoc-'));
    try {
      const typedoc = join(PROJECT_ROOT, 'node_modules/typedoc/bin/typedoc');
      const r = spawnSync(process.execPath, [typedoc, '--out', out], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const fresh = tree(out);
      const committed = tree(join(PROJECT_ROOT, 'docs/reference'));
      assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort(), 'the same pages');
      const stale = [...fresh].filter(([k, v]) => committed.get(k) !== v).map(([k]) => k);
      assert.deepEqual(stale, [], 'pages that differ from the code');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
