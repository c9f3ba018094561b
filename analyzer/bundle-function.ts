// The asynchronous step: esbuild turns the synthesized entry into one self-contained file
// (dependencies from the application's node_modules inlined, Node builtins left as imports),
// named by the sha256 of its bytes. Bundles are cached on disk by content.
//
// Bundles are CommonJS where esbuild can make them so (everything but top-level await): Node 20
// can keep a V8 compile cache only for scripts (vm.Script), not for ES modules, and workers keep
// one with each environment (runtime/load-bundle.ts). The first line names the format.
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { build, type BuildFailure, type Metafile } from 'esbuild';
import { checkNotImportedBack, entryOptions, toAnalyzerError } from './bundle-entry.js';
import { readCachedBundle, writeCachedBundle } from './bundle-cache.js';
import type { ExtractedFunction } from './extract-function.js';
import { NODE_RESOLUTION } from './node-resolution.js';
import { requireBanner } from './require-banner.js';
import { FORMAT_LINE, type BundleFormat } from './bundle-format.js';

export interface FunctionBundle {
  hash: string; // sha256 hex of code
  code: string;
  exportName: string;
}

// In a CommonJS bundle `import.meta.url` is the bundle's own URL, as it would be in an ES module.
const CJS_IMPORT_META = 'var __trellis_import_meta_url = require("node:url").pathToFileURL(__filename).href;\n';

export async function bundleFunction(ex: ExtractedFunction): Promise<FunctionBundle> {
  const cached = readCachedBundle(ex);
  if (cached) return cached;
  let built: { code: string; metafile: Metafile };
  try {
    built = await buildAs(ex, 'cjs').catch((err: BuildFailure) => {
      if (!usesTopLevelAwait(err)) throw err;
      return buildAs(ex, 'esm');
    });
  } catch (err) {
    throw toAnalyzerError(err, ex.file);
  }
  checkNotImportedBack(built.metafile, ex);
  const bundle = { hash: createHash('sha256').update(built.code).digest('hex'), code: built.code, exportName: ex.exportName };
  writeCachedBundle(ex, bundle, inputFiles(built.metafile, dirname(ex.file)));
  return bundle;
}

async function buildAs(ex: ExtractedFunction, format: BundleFormat): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    ...entryOptions(ex),
    ...NODE_RESOLUTION,
    bundle: true,
    format,
    target: 'node20',
    treeShaking: true,
    minify: false, // stack traces on the worker stay readable
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...(format === 'cjs' ? { define: { 'import.meta.url': '__trellis_import_meta_url' } } : {}),
  });
  const output = result.outputFiles[0]!.text;
  const code = format === 'cjs'
    ? FORMAT_LINE.cjs + CJS_IMPORT_META + output
    : FORMAT_LINE.esm + requireBanner(output) + output;
  return { code, metafile: result.metafile };
}

function usesTopLevelAwait(err: BuildFailure): boolean {
  return Array.isArray(err.errors) && err.errors.some((e) => /top-level await/i.test(e.text));
}

/** The absolute paths of the real files a build read (virtual modules left out). */
export function inputFiles(metafile: Metafile, workingDir: string): string[] {
  return Object.keys(metafile.inputs)
    .filter((p) => !/^[a-z-]+:/i.test(p) && !p.startsWith('<'))
    .map((p) => resolve(workingDir, p));
}
