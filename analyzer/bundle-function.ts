// The asynchronous step of remote(): a function's environment as it is shipped — esbuild's bundle of
// the synthesized entry (dependencies from the application's node_modules inlined, Node builtins left
// as imports) plus the files the analysis found it needs beside the bundle: data files and the
// application's own addons under files/<project path>, native packages (and what they depend on)
// under node_modules/, what `include` names. Every expression naming a module's own location
// (import.meta.url, __dirname, ...) is rewritten to name its place under files/, so paths built from
// it find the copies. Named by environmentHash; cached on disk by content.
//
// Bundles are CommonJS where esbuild can make them so (everything but top-level await): Node 20
// can keep a V8 compile cache only for scripts (vm.Script), not for ES modules, and workers keep
// one with each environment (runtime/load-bundle.ts). The first line names the format.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { environmentHash, type EnvFile } from '../protocol/environment-files.js';
import { analyzeTarget } from './analyze-environment.js';
import { readCachedBundle, writeCachedBundle } from './bundle-cache.js';
import { dataPathInEnv, packagePathInEnv } from './environment-layout.js';
import type { ExtractedFunction } from './extract-function.js';
import { includedFiles } from './include-files.js';
import { listFiles } from './list-files.js';

/** A file of the environment: where it goes, its content hash, and where it is read from here. */
export interface ShippedFile extends EnvFile {
  source: string; // absolute
  size: number;
  mtimeMs: number;
}

export interface FunctionBundle {
  hash: string; // environmentHash(code, files)
  code: string;
  exportName: string;
  /** Sorted by path. */
  files: ShippedFile[];
  /** `path:line:col: message` for what the analysis could not follow. */
  warnings: string[];
}

export interface BundleOptions {
  /** Globs (relative to the project root) of files to ship whatever the analysis found. */
  include?: readonly string[];
}

export async function bundleFunction(ex: ExtractedFunction, options: BundleOptions = {}): Promise<FunctionBundle> {
  const include = [...(options.include ?? [])];
  const cached = readCachedBundle(ex, include);
  if (cached) return cached;
  const analysis = await analyzeTarget({ kind: 'function', extracted: ex }, { relocate: true, format: 'cjs' });
  const root = analysis.root;
  const sources = new Map<string, string>(); // path in the environment -> absolute source
  for (const f of analysis.dataFiles) sources.set(dataPathInEnv(f, root), f);
  for (const pkg of analysis.packages) {
    const base = packagePathInEnv(pkg.dir, pkg.name);
    for (const f of listFiles(pkg.dir, ['node_modules'])) sources.set(`${base}/${relative(pkg.dir, f).split('\\').join('/')}`, f);
  }
  const included = includedFiles(include, root);
  for (const f of included.files) sources.set(dataPathInEnv(f, root), f);
  const files = await Promise.all([...sources].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, source]) => describeFile(path, source)));
  const code = analysis.code;
  const warnings = [...(analysis.spec.warnings ?? []), ...included.warnings];
  const bundle: FunctionBundle = { hash: environmentHash(code, files), code, exportName: ex.exportName, files, warnings };
  writeCachedBundle(ex, include, bundle, analysis.inputs, analysis.dataDirs);
  return bundle;
}

async function describeFile(path: string, source: string): Promise<ShippedFile> {
  const [data, st] = await Promise.all([readFile(source), stat(source)]);
  return {
    path,
    hash: createHash('sha256').update(data).digest('hex'),
    ...((st.mode & 0o111) !== 0 && !path.endsWith('.node') ? { executable: true } : {}),
    source,
    size: st.size,
    mtimeMs: st.mtimeMs,
  };
}

