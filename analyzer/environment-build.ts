// One esbuild run over a function's entry (or a whole module) that also collects what the bundle
// cannot hold: native packages (left external, to be copied whole), the Node builtins it imports,
// and each source file's static data paths and warnings. With `relocate`, every expression naming
// a module's own location (import.meta.url, __dirname, ...) is rewritten to name files/<its path>
// inside the environment, where its data files are copied: paths built from it then still work.
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, resolve as resolvePath } from 'node:path';
import { build, type Metafile, type OnLoadResult, type Plugin } from 'esbuild';
import { checkNotImportedBack, entryOptions, packageName, toAnalyzerError } from './bundle-entry.js';
import { dataPathInEnv } from './environment-layout.js';
import type { ExtractedFunction } from './extract-function.js';
import { isNativePackage } from './native-packages.js';
import { NODE_RESOLUTION } from './node-resolution.js';
import { packageOf, type PackageInfo } from './package-info.js';
import { requireBanner } from './require-banner.js';
import { FORMAT_LINE } from '../protocol/bundle-format.js';
import { mustRewrite, scanReferences, type Relocation, type StaticReferences } from './static-references.js';
import { locatedWarnings, missingModulePlugin, retryableProblems, type BuildWarning, type Workarounds } from './build-problems.js';
import { isTypeScript, stripTypes } from './typescript-source.js';
import { typeScriptMapOf } from './parse-module.js';
import type { TraceMap } from '@jridgewell/trace-mapping';

export type BuildTarget = { kind: 'function'; extracted: ExtractedFunction } | { kind: 'module'; file: string };

export interface ScannedFile {
  references: StaticReferences;
  /** Set for TypeScript: positions in `references` are in the stripped code; this maps them back. */
  typeScriptMap?: TraceMap;
}

export interface EnvironmentBuild {
  code: string;
  metafile: Metafile;
  workingDir: string;
  /** Native packages the bundle imports (left external), by import specifier. */
  natives: Map<string, PackageInfo>;
  /** The application's own native addons (.node files required by path), absolute. */
  localAddons: string[];
  /** Node builtins the bundle imports, as `node:name`. */
  builtins: string[];
  /** Source files with static data paths, warnings or own-location expressions, by absolute path. */
  scanned: Map<string, ScannedFile>;
  /** What the bundler could not do and was worked around: unresolved imports, files no loader reads. */
  buildWarnings: BuildWarning[];
}

const RESOLVING = Symbol('trellis-resolving');
const SOURCE = /\.(js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;

/**
 * `format`: 'esm' (what `trellis pack` archives hold), or 'cjs' (what remote() ships: a V8 compile cache
 * can be kept for it on Node 20), falling back to ESM for code with top-level await.
 */
export async function buildEnvironment(target: BuildTarget, root: string, relocate: boolean, format: 'esm' | 'cjs' = 'esm'): Promise<EnvironmentBuild> {
  if (format === 'cjs') {
    try {
      return await buildAs(target, root, relocate, 'cjs');
    } catch (err) {
      if (!usesTopLevelAwait(err)) throw err;
      return await buildAs(target, root, relocate, 'esm', true);
    }
  }
  return buildAs(target, root, relocate, 'esm');
}

function usesTopLevelAwait(err: unknown): boolean {
  const cause = (err as { cause?: { errors?: { text: string }[] } }).cause;
  return Array.isArray(cause?.errors) && cause.errors.some((e) => /top-level await/i.test(e.text));
}

async function buildAs(target: BuildTarget, root: string, relocate: boolean, format: 'esm' | 'cjs', formatLine = false): Promise<EnvironmentBuild> {
  const file = target.kind === 'function' ? target.extracted.file : target.file;
  const natives = new Map<string, PackageInfo>();
  const localAddons = new Set<string>();
  const scanned = new Map<string, ScannedFile>();
  // `js` is the code to scan; for TypeScript, `map` maps its positions back to the source.
  const scan = (path: string, js: string, map: TraceMap | undefined): OnLoadResult | undefined => {
    const references = scanReferences(path, js, root);
    if (references.data.length === 0 && references.warnings.length === 0 && references.relocations.length === 0) return undefined;
    scanned.set(path, { references, ...(map ? { typeScriptMap: map } : {}) });
    const moving = relocate && references.relocations.some((r) => r.as !== 'opaque' && r.as !== 'text');
    if (!moving && !mustRewrite(references)) return undefined;
    const edits = moving ? references.relocations : references.relocations.filter((r) => r.as === 'opaque' || r.as === 'text');
    return { contents: applyRelocations(js, edits, root), loader: map ? 'ts' : 'js', resolveDir: dirname(path) };
  };
  const scanFile = (path: string): OnLoadResult | undefined => {
    const code = readFileSync(path, 'utf8');
    if (!isTypeScript(path)) return scan(path, code, undefined);
    const stripped = stripTypes(path, code);
    return scan(path, stripped.code, stripped.map);
  };
  // The entry is already JavaScript: a TypeScript module's was stripped when it was parsed.
  const entry =
    target.kind === 'function'
      ? entryOptions(target.extracted, (code) => scan(file, code, typeScriptMapOf(file)))
      : { entryPoints: [file], absWorkingDir: dirname(file), plugins: [] as Plugin[] };
  // An import that does not resolve, or a file no loader reads, is worked around and built again:
  // a warning now, and an error on the worker only if that code runs.
  const workarounds: Workarounds = { missing: new Map(), loaders: {}, warnings: [] };
  let result;
  for (let attempt = 0; ; attempt++) {
    scanned.clear();
    natives.clear();
    localAddons.clear();
    try {
      result = await build({
        ...entry,
        ...NODE_RESOLUTION,
        plugins: [...entry.plugins, missingModulePlugin(workarounds), environmentPlugin(natives, localAddons, root, scanFile)],
        loader: workarounds.loaders,
        bundle: true,
        format,
        ...(format === 'cjs' ? { define: { 'import.meta.url': '__trellis_import_meta_url' } } : {}),
        target: 'node20',
        treeShaking: true,
        minify: false,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      break;
    } catch (err) {
      if (attempt >= 8 || !retryableProblems(err, workarounds, entry.absWorkingDir ?? dirname(file), file, root)) throw toAnalyzerError(err, file);
    }
  }
  const buildWarnings = [...workarounds.warnings, ...locatedWarnings(result.warnings, entry.absWorkingDir ?? dirname(file), file)];
  if (target.kind === 'function') checkNotImportedBack(result.metafile, target.extracted);
  const output = result.outputFiles[0]!.text;
  const imported = new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
  for (const spec of natives.keys()) if (!imported.has(spec)) natives.delete(spec); // tree-shaken away
  const builtins = [...imported].filter((p) => isBuiltin(p)).map((p) => (p.startsWith('node:') ? p : `node:${p}`));
  const relocated = relocate && [...scanned.values()].some((s) => s.references.relocations.some((r) => r.as !== 'opaque' && r.as !== 'text'));
  const code = format === 'cjs'
    ? FORMAT_LINE.cjs + CJS_IMPORT_META + (relocated ? RELOCATION_BANNER_CJS : '') + output
    : (formatLine ? FORMAT_LINE.esm : '') + requireBanner(output) + (relocated ? RELOCATION_BANNER : '') + output;
  return { code, metafile: result.metafile, workingDir: dirname(file), natives, localAddons: [...localAddons].sort(), builtins: [...new Set(builtins)].sort(), scanned, buildWarnings };
}

function environmentPlugin(
  natives: Map<string, PackageInfo>,
  localAddons: Set<string>,
  root: string,
  scanFile: (path: string) => OnLoadResult | undefined,
): Plugin {
  return {
    name: 'trellis-environment',
    setup(b) {
      // A package with a native addon stays an import, resolved beside the bundle at run time.
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === RESOLVING || packageName(args.path) === undefined) return undefined;
        const r = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING,
        });
        if (r.errors.length > 0 || r.external) return undefined; // esbuild reports it in its own words
        const pkg = packageOf(r.path);
        if (pkg && isNativePackage(pkg)) {
          natives.set(args.path, pkg);
          return { path: args.path, external: true };
        }
        return { path: r.path, namespace: r.namespace, sideEffects: r.sideEffects, suffix: r.suffix };
      });
      // The application's own addon stays a require of its copy under files/, beside the bundle.
      b.onResolve({ filter: /^\.\.?\/.*\.node$/ }, (args) => {
        const abs = resolvePath(args.resolveDir, args.path);
        if (!existsSync(abs)) return undefined; // esbuild says it cannot resolve it
        localAddons.add(abs);
        return { path: `./${dataPathInEnv(abs, root)}`, external: true };
      });
      // require() through an alias or a wrapper's parameter, rewritten by the scanner as an import of this.
      b.onResolve({ filter: /^trellis-require:/ }, (args) => ({ path: args.path.slice('trellis-require:'.length), namespace: 'trellis-require' }));
      b.onLoad({ filter: /.*/, namespace: 'trellis-require' }, (args) => {
        const { spec, dir } = JSON.parse(args.path) as { spec: string; dir: string };
        return { contents: `module.exports = () => require(${JSON.stringify(spec)});`, loader: 'js', resolveDir: dir };
      });
      // Undefined (nothing to rewrite) lets esbuild load the file itself.
      b.onLoad({ filter: SOURCE, namespace: 'file' }, (args) => scanFile(args.path));
    },
  };
}

// Helpers the relocated expressions call: paths inside the environment, from the bundle's own URL.
// __trellis_cwdPath: a relative path the code reads from the working directory is read from the
// project's copy under files/ (the application runs from its project root).
const RELOCATION_BANNER = [
  'import { fileURLToPath as __trellis_urlToPath } from "node:url";',
  'import { isAbsolute as __trellis_isAbsolute, join as __trellis_join } from "node:path";',
  'const __trellis_envBase = new URL("./", import.meta.url);',
  'function __trellis_envUrl(p) { return new URL(p, __trellis_envBase).href; }',
  'function __trellis_envPath(p) { return __trellis_urlToPath(new URL(p, __trellis_envBase)); }',
  'function __trellis_cwdPath(p) { return typeof p === "string" && !__trellis_isAbsolute(p) ? __trellis_join(__trellis_envPath("files/"), p) : p; }',
  '',
].join('\n');

const RELOCATION_BANNER_CJS = [
  'const __trellis_envBase = new URL("./", __trellis_import_meta_url);',
  'function __trellis_envUrl(p) { return new URL(p, __trellis_envBase).href; }',
  'function __trellis_envPath(p) { return require("node:url").fileURLToPath(new URL(p, __trellis_envBase)); }',
  'function __trellis_cwdPath(p) { const path = require("node:path"); return typeof p === "string" && !path.isAbsolute(p) ? path.join(__trellis_envPath("files/"), p) : p; }',
  '',
].join('\n');

// In a CommonJS bundle `import.meta.url` is the bundle's own URL, as it would be in an ES module.
const CJS_IMPORT_META = 'var __trellis_import_meta_url = require("node:url").pathToFileURL(__filename).href;\n';

function applyRelocations(code: string, relocations: Relocation[], root: string, from = 0, to = code.length): string {
  // Outer ones first where they start together (a wrapped read around the path it relocates).
  const sorted = relocations.filter((r) => r.start >= from && r.end <= to).sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = from;
  for (const r of sorted) {
    if (r.start < at) continue; // nested in one already replaced
    out += code.slice(at, r.start) + (r.prefix ?? '') + replacement(code, r, root, relocations);
    at = Math.max(r.end, at);
  }
  return out + code.slice(at, to);
}

function replacement(code: string, r: Relocation, root: string, all: Relocation[]): string {
  if (r.as === 'text') return r.text ?? '';
  // What a wrapper holds is edited too (the own-location expressions inside the path it wraps).
  const inner = (): string => applyRelocations(code, all.filter((x) => x !== r && x.start >= r.start && x.end <= r.end && !(x.start === r.start && x.end === r.end)), root, r.start, r.end);
  if (r.as === 'opaque') return `(0, ${inner()})`;
  if (r.as === 'cwd') return `__trellis_cwdPath(${inner()})`;
  const target = JSON.stringify(dataPathInEnv(r.target, root));
  return r.as === 'url' ? `__trellis_envUrl(${target})` : `__trellis_envPath(${target})`;
}

/** The absolute paths of the real files a build read (virtual modules left out). */
export function inputFiles(metafile: Metafile, workingDir: string): string[] {
  return Object.keys(metafile.inputs)
    .filter((p) => !/^[a-z-]+:/i.test(p) && !p.startsWith('<'))
    .map((p) => resolvePath(workingDir, p));
}
