// Shared by the analyzer tests: where the fixtures are, and how a worker loads a bundle
// (written as <hash>.cjs or .mjs into an empty directory with no node_modules above it).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionBundle } from '../../analyzer/bundle-function.js';
import { bundleFormat } from '../../protocol/bundle-format.js';
import { loadBundle as workerLoad } from '../../runtime/load-bundle.js';

// dist/test/analyzer -> project root
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const appsBasic = join(projectRoot, 'fixtures', 'apps-basic');

export function freshDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `trellis-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The first node_modules folder at or above `dir`, if any. */
export function nodeModulesAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return undefined;
  }
}

/** What the worker does: write the bundle to its cache dir and load it as the worker's threads do. */
export async function loadBundle(cacheDir: string, bundle: FunctionBundle): Promise<(...args: unknown[]) => unknown> {
  const path = join(cacheDir, `${bundle.hash}.${bundleFormat(bundle.code) === 'cjs' ? 'cjs' : 'mjs'}`);
  writeFileSync(path, bundle.code);
  const ns = await workerLoad(path);
  const fn = ns[bundle.exportName];
  if (typeof fn !== 'function') throw new Error(`bundle ${bundle.hash} exports no function ${bundle.exportName}`);
  return fn as (...args: unknown[]) => unknown;
}

/** Writes files (path relative to a fresh temp dir -> content) and returns the dir. */
export function writeTree(prefix: string, files: Record<string, string>): string {
  const dir = freshDir(prefix);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}
