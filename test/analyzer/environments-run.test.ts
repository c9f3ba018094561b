// Every fixture function, packed into an environment and unpacked into an empty temp folder with
// no node_modules anywhere above it, runs from there alone and gives the same result as locally.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { envApp, heavyApp, localFunction, packAndLoad } from './env-support.js';
import { nodeModulesAbove, removeDir } from './support.js';

interface Case {
  app: string;
  file: string;
  name: string;
  args: unknown[];
  /** Run locally from the project root (a literal relative path in the function reads from the working directory). */
  cwd?: boolean;
}

const cases: Case[] = [
  { app: envApp, file: 'src/esm-only.js', name: 'idFrom', args: ['x', 6] },
  { app: envApp, file: 'src/commonjs.cjs', name: 'toMilliseconds', args: ['2h'] },
  { app: envApp, file: 'src/commonjs.cjs', name: 'spelledOut', args: [90_000] },
  { app: envApp, file: 'src/conditions.js', name: 'nameUuid', args: ['trellis'] },
  { app: envApp, file: 'src/conditions.js', name: 'conditionsChosen', args: [] },
  { app: envApp, file: 'src/conditions-required.cjs', name: 'requiredConditions', args: [] },
  { app: envApp, file: 'src/json-import.js', name: 'elementName', args: ['li'] },
  { app: envApp, file: 'src/data-files.js', name: 'wordCount', args: [] },
  { app: envApp, file: 'src/data-files.js', name: 'literalText', args: [], cwd: true },
  { app: envApp, file: 'src/data-dirname.cjs', name: 'greet', args: ['Ada'] },
  { app: envApp, file: 'src/native.js', name: 'maskBytes', args: [[1, 2, 3, 4, 5, 6, 7, 8], [9, 8, 7, 6]] },
  { app: envApp, file: 'src/typed.ts', name: 'distance', args: [{ x: 3, y: 4 }] },
  { app: envApp, file: 'src/typed.ts', name: 'inSeconds', args: ['2m'] },
  { app: heavyApp, file: 'app.js', name: 'calculate', args: ['sqrt(16) + 2^3 * 1.5'] },
  { app: heavyApp, file: 'app.js', name: 'dayAfter', args: ['2024-02-27', 3] },
  { app: heavyApp, file: 'app.js', name: 'groupByLength', args: [['a', 'bb', 'cc', 'ddd']] },
  { app: heavyApp, file: 'app.js', name: 'readYaml', args: ['a: [1, 2]\nb: { c: x }\n'] },
  {
    app: heavyApp,
    file: 'app.js',
    name: 'validate',
    args: [{ type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] }, { n: 0 }],
  },
  { app: heavyApp, file: 'app.js', name: 'render', args: ['# Title\n\nSome *emphasis* and `code`.\n'] },
];

describe('environments: each packed function runs from its environment alone', function () {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  for (const c of cases) {
    it(`${c.file} ${c.name}(${c.args.map((a) => JSON.stringify(a)).join(', ')})`, async () => {
      const file = join(c.app, c.file);
      const local = await localFunction(file, c.name);
      const saved = process.cwd();
      if (c.cwd) process.chdir(c.app);
      let expected: unknown;
      try {
        expected = await local(...c.args);
      } finally {
        process.chdir(saved);
      }
      const packed = await packAndLoad(file, c.name, dirs);
      // The environment holds its own node_modules (native packages); none may be above it.
      assert.equal(nodeModulesAbove(dirname(packed.unpacked.dir)), undefined, 'a node_modules folder above the environment');
      assert.equal(typeof packed.fn, 'function');
      assert.deepEqual(await packed.fn(...c.args), expected);
    });
  }

  it('runs a whole packed module: its exports come from the environment', async () => {
    const packed = await packAndLoad(join(envApp, 'src/json-import.js'), undefined, dirs);
    assert.equal(packed.unpacked.manifest.export, null);
    const mod = (await import(pathToFileURL(join(packed.unpacked.dir, 'bundle.mjs')).href)) as { elementName(s: string): unknown };
    assert.equal(mod.elementName('h'), 'hydrogen');
  });

  it('uses the native addon, not a JavaScript fallback, from the environment', async () => {
    const packed = await packAndLoad(join(envApp, 'src/native.js'), 'maskBytes', dirs);
    const r = (await packed.fn([1, 2, 3, 4], [0, 0, 0, 0])) as { native: boolean };
    assert.equal(r.native, true);
    assert.ok(Object.keys(packed.unpacked.manifest.files).some((f) => f.startsWith('node_modules/bufferutil/prebuilds/')));
  });
});
