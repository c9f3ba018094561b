// The package as a user gets it: packed, installed into an empty application, used from there.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/paths.js';

/** Every name the README and docs/ show imported from 'trellis'. */
function documentedNames(): string[] {
  const files = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const names = new Set<string>();
  for (const f of files) {
    const text = readFileSync(join(PROJECT_ROOT, f), 'utf8');
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]+)\}\s*from\s*'trellis'/g)) {
      for (const part of m[1].replace(/\/\/.*$/gm, '').split(',')) {
        const name = part.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0].trim();
        if (name) names.add(name);
      }
    }
  }
  return [...names].sort();
}

describe('the packed package', function () {
  this.timeout(300_000);
  let work = '';
  let app = '';
  let tarball = '';

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'trellis-pack-'));
    // The tests run on the build `npm test` just made; --ignore-scripts keeps prepack from rewriting it under them.
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
      { cwd: PROJECT_ROOT, encoding: 'utf8' });
    const [info] = JSON.parse(out) as { filename: string; unpackedSize: number; files: { path: string }[] }[];
    tarball = join(work, info.filename);
    const paths = info.files.map((f) => f.path);
    assert.ok(paths.includes('dist/lib/index.js') && paths.includes('dist/cli/main.js'), 'the library and the CLI are packed');
    assert.deepEqual(paths.filter((p) => /^(fixtures|test|bench|dist\/test|dist\/bench)\//.test(p) || p.endsWith('.map')), [],
      'no fixtures, tests, benchmarks or source maps in the package');
    assert.ok(info.unpackedSize < 2_000_000, `unpacked size ${info.unpackedSize} bytes is under 2 MB`);
    app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'an-app', private: true, type: 'module' }));
    const r = spawnSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm install of the tarball failed:\n${r.stderr}`);
  });

  after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  it('runs a remote() call in an application that installed it', () => {
    writeFileSync(join(app, 'main.js'), [
      "import { remote } from 'trellis';",
      'function square(x) { return x * x; }',
      'const rsquare = remote(square);',
      "console.log('square(12) =', await rsquare(12));",
    ].join('\n'));
    const r = spawnSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /square\(12\) = 144/);
  });

  it('puts trellis on PATH for npx, with --version', () => {
    const r = spawnSync('npx', ['--no-install', 'trellis', '--version'], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), version);
  });

  it('exports every name the documentation imports, with types', () => {
    const names = documentedNames();
    assert.ok(names.length >= 10, `found the documented names: ${names.join(', ')}`);
    writeFileSync(join(app, 'names.js'), "import * as t from 'trellis'; console.log(JSON.stringify(Object.keys(t)));");
    const r = spawnSync(process.execPath, ['names.js'], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const values = new Set(JSON.parse(r.stdout) as string[]);
    const types = readFileSync(join(app, 'node_modules/trellis/dist/lib/index.d.ts'), 'utf8');
    const missing = names.filter((n) => !values.has(n) && !new RegExp(`\\b${n}\\b`).test(types));
    assert.deepEqual(missing, [], 'names the docs import that the package does not export');
  });
});
