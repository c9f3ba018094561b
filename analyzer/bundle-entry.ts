// What every esbuild run over an extracted function shares: the virtual entry module (named like
// the function's file, in a namespace of its own), the CommonJS re-export wrapper, the check that
// no dependency imports the function's module back, and esbuild's failures as AnalyzerErrors.
import { builtinModules } from 'node:module';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BuildFailure, BuildOptions, Message, Metafile, OnLoadResult, Plugin } from 'esbuild';
import { AnalyzerError } from './errors.js';
import type { ExtractedFunction } from './extract-function.js';
import { isTypeScript } from './typescript-source.js';

export const ENTRY = 'trellis:function-entry';
export const ENTRY_NAMESPACE = 'trellis-entry';

/** Rewrites the entry's code before esbuild reads it (used to relocate data-file paths). */
export type EntryTransform = (code: string) => OnLoadResult | undefined;

/** The entry options of a build of `ex`: absWorkingDir, the entry or stdin, and the entry plugin. */
export function entryOptions(ex: ExtractedFunction, transform?: EntryTransform): BuildOptions & { plugins: Plugin[] } {
  // Paths in esbuild's output comments are relative to this: the bytes do not depend on
  // where the application lives or on the process's working directory.
  const dir = dirname(ex.file);
  const cjs = ex.moduleType === 'commonjs';
  return {
    ...(cjs
      ? { stdin: { contents: cjsWrapper(ex.exportName), resolveDir: dir, sourcefile: '<trellis-wrapper>', loader: 'js' } }
      : { entryPoints: [ENTRY] }),
    absWorkingDir: dir,
    plugins: [entryPlugin(ex, dir, basename(ex.file), transform)],
  };
}

// esbuild gives a CommonJS entry's exports only as `default`; re-export the function by name.
function cjsWrapper(exportName: string): string {
  return `import __trellis_entry from ${JSON.stringify(ENTRY)};\nexport const ${exportName} = __trellis_entry.${exportName};\n`;
}

function entryPlugin(ex: ExtractedFunction, dir: string, entryName: string, transform?: EntryTransform): Plugin {
  // Stripped TypeScript is still loaded as TypeScript, so `./x.js` finds `./x.ts` as tsc would.
  const loader = isTypeScript(ex.file) ? 'ts' : 'js';
  return {
    name: 'trellis-function-entry',
    setup(b) {
      b.onResolve({ filter: /^trellis:function-entry$/ }, () => ({ path: entryName, namespace: ENTRY_NAMESPACE }));
      b.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, () => ({
        contents: ex.entryCode,
        loader,
        ...transform?.(ex.entryCode),
        resolveDir: dir,
      }));
    },
  };
}

// If a dependency imports the function's own module back, the bundle would hold the whole
// module, main program included, and run it on the worker.
export function checkNotImportedBack(metafile: Metafile, ex: ExtractedFunction): void {
  const entryName = basename(ex.file);
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

/** esbuild's failure as an AnalyzerError naming the import (or problem), the file, line and column. */
export function toAnalyzerError(err: unknown, file: string): unknown {
  const errors = (err as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return err;
  const dir = dirname(file);
  const entryName = basename(file);
  const locate = (m: Message): { file: string; line?: number; column?: number; text: string } => {
    const loc = m.location;
    if (!loc) return { file, text: file };
    // The entry keeps the original line and column of everything it copied.
    const isEntry = loc.namespace === ENTRY_NAMESPACE || loc.file === `${ENTRY_NAMESPACE}:${entryName}`;
    const at = isEntry ? file : resolve(dir, loc.file);
    return { file: at, line: loc.line, column: loc.column + 1, text: `${at}:${loc.line}:${loc.column + 1}` };
  };
  const unresolved = errors.find((m) => /^Could not resolve "/.test(m.text));
  if (unresolved) {
    const spec = /^Could not resolve "(.*)"/.exec(unresolved.text)![1]!;
    const at = locate(unresolved);
    const what = `cannot resolve import '${spec}' imported by ${at.text}: ${unresolvedReason(spec, at.file)}`;
    return new AnalyzerError('TRELLIS_UNRESOLVED_IMPORT', `remote(): ${what}`, {
      file: at.file,
      ...(at.line ? { line: at.line, column: at.column! } : {}),
      cause: err,
    });
  }
  const first = errors[0]!;
  const at = locate(first);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new AnalyzerError('TRELLIS_BUNDLE_FAILED', `remote(): cannot bundle ${file}: ${at.text}: ${first.text}${more}`, {
    file: at.file,
    ...(at.line ? { line: at.line, column: at.column! } : {}),
    cause: err,
  });
}

/** Why `spec`, imported by `importer`, does not resolve, and what to do about it. */
export function unresolvedReason(spec: string, importer: string): string {
  const pkg = packageName(spec);
  const installed = pkg ? installedPackageDir(pkg, dirname(importer)) : undefined;
  return !pkg
    ? 'no such file; fix the specifier'
    : installed
      ? `package '${pkg}' (${installed}) does not export it`
      : `package '${pkg}' is not installed (no node_modules/${pkg} at or above ${dirname(importer)}); install it (npm install ${pkg}) or fix the specifier`;
}

function installedPackageDir(pkg: string, from: string): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

/** The package a bare specifier names ('@scope/name' or 'name'), or undefined for paths and '#imports'. */
export function packageName(spec: string): string | undefined {
  if (/^(\.|\/|#|[a-zA-Z]:\\|node:|data:|file:)/.test(spec)) return undefined;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return builtinModules.includes(name) ? undefined : name;
}
