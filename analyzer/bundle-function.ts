// The asynchronous step: esbuild turns the synthesized entry into one self-contained ESM
// file (dependencies from the application's node_modules inlined, Node builtins left as
// imports), named by the sha256 of its bytes.
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { build, type BuildFailure, type Message, type Metafile, type Plugin } from 'esbuild';
import { AnalyzerError } from './errors.js';
import type { ExtractedFunction } from './extract-function.js';
import { requireBanner } from './require-banner.js';

export interface FunctionBundle {
  hash: string; // sha256 hex of code
  code: string;
  exportName: string;
}

const ENTRY = 'trellis:function-entry';
const ENTRY_NAMESPACE = 'trellis-entry';

export async function bundleFunction(ex: ExtractedFunction): Promise<FunctionBundle> {
  // Paths in esbuild's output comments are relative to this: the bytes do not depend on
  // where the application lives or on the process's working directory.
  const dir = dirname(ex.file);
  const entryName = basename(ex.file);
  const cjs = ex.moduleType === 'commonjs';
  let output: string;
  let metafile: Metafile;
  try {
    const result = await build({
      // The entry is a virtual module named like the file, in its own namespace, so that the
      // real file stays distinguishable (see checkNotImportedBack).
      ...(cjs
        ? { stdin: { contents: cjsWrapper(ex.exportName), resolveDir: dir, sourcefile: '<trellis-wrapper>', loader: 'js' } }
        : { entryPoints: [ENTRY] }),
      plugins: [entryPlugin(ex, dir, entryName)],
      absWorkingDir: dir,
      bundle: true,
      platform: 'node',
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
    throw toAnalyzerError(err, ex, dir, entryName);
  }
  checkNotImportedBack(metafile, ex, entryName);
  const code = requireBanner(output) + output;
  return { hash: createHash('sha256').update(code).digest('hex'), code, exportName: ex.exportName };
}

// esbuild gives a CommonJS entry's exports only as `default`; re-export the function by name.
function cjsWrapper(exportName: string): string {
  return `import __trellis_entry from ${JSON.stringify(ENTRY)};\nexport const ${exportName} = __trellis_entry.${exportName};\n`;
}

function entryPlugin(ex: ExtractedFunction, dir: string, entryName: string): Plugin {
  return {
    name: 'trellis-function-entry',
    setup(b) {
      b.onResolve({ filter: /^trellis:function-entry$/ }, () => ({ path: entryName, namespace: ENTRY_NAMESPACE }));
      b.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, () => ({ contents: ex.entryCode, resolveDir: dir, loader: 'js' }));
    },
  };
}

// If a dependency imports the function's own module back, the bundle would hold the whole
// module, main program included, and run it on the worker.
function checkNotImportedBack(metafile: Metafile, ex: ExtractedFunction, entryName: string): void {
  if (!(entryName in metafile.inputs)) return;
  const importer = Object.entries(metafile.inputs).find(([, input]) => input.imports.some((i) => i.path === entryName));
  const by = importer ? resolve(dirname(ex.file), importer[0]) : 'a dependency';
  throw new AnalyzerError(
    'TRELLIS_SELF_IMPORT',
    `remote(): the function's module ${ex.file} is imported back by ${by}; the bundle would contain ` +
      `its whole main program. Move what ${by} needs out of ${entryName}`,
    { file: ex.file },
  );
}

function toAnalyzerError(err: unknown, ex: ExtractedFunction, dir: string, entryName: string): unknown {
  const errors = (err as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return err;
  const locate = (m: Message): { file: string; line?: number; column?: number; text: string } => {
    const loc = m.location;
    if (!loc) return { file: ex.file, text: ex.file };
    // The entry keeps the original line and column of everything it copied.
    const isEntry = loc.namespace === ENTRY_NAMESPACE || loc.file === `${ENTRY_NAMESPACE}:${entryName}`;
    const file = isEntry ? ex.file : resolve(dir, loc.file);
    return { file, line: loc.line, column: loc.column + 1, text: `${file}:${loc.line}:${loc.column + 1}` };
  };
  const unresolved = errors.find((m) => /^Could not resolve "/.test(m.text));
  if (unresolved) {
    const spec = /^Could not resolve "(.*)"/.exec(unresolved.text)![1]!;
    const at = locate(unresolved);
    return new AnalyzerError(
      'TRELLIS_UNRESOLVED_IMPORT',
      `remote(): cannot resolve import '${spec}' imported by ${at.text}; ` +
        `install it in the application or fix the specifier`,
      { file: at.file, ...(at.line ? { line: at.line, column: at.column! } : {}), cause: err },
    );
  }
  const first = errors[0]!;
  const at = locate(first);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new AnalyzerError('TRELLIS_BUNDLE_FAILED', `remote(): cannot bundle ${ex.file}: ${at.text}: ${first.text}${more}`, {
    file: at.file,
    ...(at.line ? { line: at.line, column: at.column! } : {}),
    cause: err,
  });
}
