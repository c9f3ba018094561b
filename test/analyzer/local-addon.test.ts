// The application's own native addon (a .node file it requires by path, as node-gyp builds it into
// build/Release): listed as native, copied with the environment, loaded from the copy.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeEnvironment } from '../../analyzer/analyze-environment.js';
import { envApp, localFunction, packAndLoad } from './env-support.js';
import { removeDir, writeTree } from './support.js';

describe('analyzer: an application\'s own native addon', () => {
  const dirs: string[] = [];
  let app: string;

  before(() => {
    app = writeTree('local-addon', {
      'package.json': '{"name":"local-addon","type":"module"}',
      'src/cjs.cjs': [
        "'use strict';",
        "const addon = require('../build/Release/addon.node');",
        'function xor(bytes, mask) {',
        '  const out = Buffer.alloc(bytes.length);',
        '  addon.mask(Buffer.from(bytes), Buffer.from(mask), out, 0, bytes.length);',
        '  return [...out];',
        '}',
        'module.exports = { xor };',
      ].join('\n'),
      'src/esm.js': [
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        "const addon = require('../build/Release/addon.node');",
        'export function xor(bytes, mask) {',
        '  const out = Buffer.alloc(bytes.length);',
        '  addon.mask(Buffer.from(bytes), Buffer.from(mask), out, 0, bytes.length);',
        '  return [...out];',
        '}',
      ].join('\n'),
    });
    dirs.push(app);
    // A real compiled addon: bufferutil's prebuilt one, standing in for what node-gyp would build here.
    const addon = join(app, 'build/Release/addon.node');
    mkdirSync(dirname(addon), { recursive: true });
    copyFileSync(join(envApp, 'node_modules/bufferutil/prebuilds/linux-x64/bufferutil.node'), addon);
  });
  after(() => dirs.forEach(removeDir));

  for (const file of ['src/cjs.cjs', 'src/esm.js']) {
    it(`${file}: reported as a local native addon, and it runs from the environment`, async () => {
      const spec = (await analyzeEnvironment({ file: join(app, file), functionName: 'xor' })).spec;
      assert.deepEqual(spec.native, { 'build/Release/addon.node': 'local addon' });
      assert.deepEqual(spec.data, ['build/Release/addon.node']);
      const args = [[1, 2, 3, 4, 5], [7, 7, 7, 7]];
      const expected = await (await localFunction(join(app, file), 'xor'))(...args);
      const packed = await packAndLoad(join(app, file), 'xor', dirs);
      assert.ok('files/build/Release/addon.node' in packed.unpacked.manifest.files);
      assert.deepEqual(await packed.fn(...args), expected);
    });
  }
});
