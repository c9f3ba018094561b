// The asynchronous step: esbuild turns the synthesized entry into one self-contained ESM
// file (dependencies from the application's node_modules inlined, Node builtins left as
// imports), named by the sha256 of its bytes. Bundles are cached on disk by content.
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { checkNotImportedBack, entryOptions, toAnalyzerError } from './bundle-entry.js';
import { readCachedBundle, writeCachedBundle } from './bundle-cache.js';
import type { ExtractedFunction } from './extract-function.js';
import { NODE_RESOLUTION } from './node-resolution.js';
import { requireBanner } from './require-banner.js';

export interface FunctionBundle {
  hash: string; // sha256 hex of code
  code: string;
  exportName: string;
}

export async function bundleFunction(ex: ExtractedFunction): Promise<FunctionBundle> {
  const cached = readCachedBundle(ex);
  if (cached) return cached;
  let output: string;
  let metafile: Metafile;
  try {
    const result = await build({
      ...entryOptions(ex),
      ...NODE_RESOLUTION,
      bundle: true,
      format: 'esm',
      target: 'node20',
      treeShaking: true,
      minify: false, // stack traces on the worker stay readable
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    output = result.outputFiles[0]!.text;
    metafile = result.metafile;
  } catch (err) {
    throw toAnalyzerError(err, ex.file);
  }
  checkNotImportedBack(metafile, ex);
  const code = requireBanner(output) + output;
  const bundle = { hash: createHash('sha256').update(code).digest('hex'), code, exportName: ex.exportName };
  writeCachedBundle(ex, bundle, inputFiles(metafile, dirname(ex.file)));
  return bundle;
}

/** The absolute paths of the real files a build read (virtual modules left out). */
export function inputFiles(metafile: Metafile, workingDir: string): string[] {
  return Object.keys(metafile.inputs)
    .filter((p) => !/^[a-z-]+:/i.test(p) && !p.startsWith('<'))
    .map((p) => resolve(workingDir, p));
}
