// Shared by the environment tests: the fixture applications, how to call their functions locally,
// and how to pack a function and load it back from an environment unpacked far from any node_modules.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { packEnvironment, type PackResult } from '../../analyzer/pack-environment.js';
import { unpackEnvironment, type Unpacked } from '../../analyzer/unpack-environment.js';
import { freshDir, projectRoot } from './support.js';

export const envApp = join(projectRoot, 'fixtures', 'env-app');
export const heavyApp = join(projectRoot, 'fixtures', 'heavy-app');

type Fn = (...args: unknown[]) => unknown;

/** The function as the application itself would call it (TypeScript compiled by esbuild first). */
export async function localFunction(file: string, name: string): Promise<Fn> {
  let mod: Record<string, unknown>;
  if (file.endsWith('.cjs')) mod = createRequire(import.meta.url)(file) as Record<string, unknown>;
  else if (/\.(ts|mts|cts)$/.test(file)) mod = (await import(pathToFileURL(await compileLocally(file)).href)) as Record<string, unknown>;
  else mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${file} exports no function ${name}`);
  return fn as Fn;
}

// Written inside the application's node_modules/.cache, so its packages resolve as they would for tsx.
async function compileLocally(file: string): Promise<string> {
  const out = join(envApp, 'node_modules', '.cache', 'trellis-test', `${Date.now()}-${process.pid}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  await build({ entryPoints: [file], bundle: true, packages: 'external', format: 'esm', platform: 'node', outfile: out, logLevel: 'silent' });
  return out;
}

export interface PackedFunction {
  pack: PackResult;
  unpacked: Unpacked;
  fn: Fn;
}

/** Packs `name` of `file` into a fresh temp folder, unpacks it into another, and imports it from there. */
export async function packAndLoad(file: string, name: string | undefined, dirs: string[]): Promise<PackedFunction> {
  const work = freshDir('pack');
  const target = freshDir('env');
  dirs.push(work, target);
  const pack = await packEnvironment({ file, ...(name !== undefined ? { functionName: name } : {}), out: join(work, 'env.tar.gz') });
  const unpacked = await unpackEnvironment(pack.out, { into: join(target, 'env') });
  const mod = (await import(pathToFileURL(join(unpacked.dir, unpacked.manifest.entry)).href)) as Record<string, unknown>;
  const fn = mod[unpacked.manifest.export ?? name ?? ''];
  return { pack, unpacked, fn: fn as Fn };
}
