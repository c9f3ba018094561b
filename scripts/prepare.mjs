// Builds Trellis when it is installed from a git URL or a folder: npm runs "prepare" there, but a folder
// install does not give the package its devDependencies, so TypeScript is fetched first when it is missing.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`trellis prepare: "${cmd} ${args.join(' ')}" failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

function tscPath() {
  try {
    return require.resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

let tsc = tscPath();
if (!tsc) {
  console.error('trellis prepare: TypeScript is not installed here; installing the build tools once');
  run('npm', ['install', '--include=dev', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund']);
  tsc = tscPath();
}
// The whole project (tests, benches, examples too) when they are here, the package alone otherwise.
run(process.execPath, [tsc, '-p', 'tsconfig.json']);
