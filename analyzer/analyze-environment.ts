// `trellis analyze`: the environment of a module, or of one function in it — the bundle, and the
// spec that says what it was built from (packages, builtins, local modules, data files, native
// packages, every file) with a warning for each import the analysis could not follow.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildEnvironment, inputFiles, type BuildTarget, type EnvironmentBuild } from './environment-build.js';
import { projectPath } from './environment-layout.js';
import type { EnvironmentSpec } from './environment-spec.js';
import { AnalyzerError } from './errors.js';
import { listFiles } from './list-files.js';
import { extractNamedFunction } from './named-function.js';
import { dependencyClosure } from './native-packages.js';
import { packageOf, readPackage, type PackageInfo } from './package-info.js';
import { parseModule } from './parse-module.js';
import { projectRoot } from './project-root.js';
import { originalPosition } from './typescript-source.js';

export interface AnalyzeOptions {
  file: string;
  functionName?: string;
  /** Point data-file paths at their copies inside a packed environment (for `pack`). */
  relocate?: boolean;
}

export interface EnvironmentAnalysis {
  root: string;
  spec: EnvironmentSpec;
  /** The bundle's code; it exports the function as `exportName`, or the module's own exports. */
  code: string;
  exportName?: string;
  /** Absolute paths of the data files to copy. */
  dataFiles: string[];
  /** Installed packages to copy whole: native ones and what they depend on. */
  packages: PackageInfo[];
  /** Every source file the bundle was built from, absolute. */
  inputs: string[];
  /** Folders whose listing decided which data files go (a new file in one changes the environment). */
  dataDirs: string[];
}

const DEFAULT_NODE_RANGE = '>=20.19';

export async function analyzeEnvironment(options: AnalyzeOptions): Promise<EnvironmentAnalysis> {
  const file = resolve(options.file);
  if (!existsSync(file)) {
    throw new AnalyzerError('TRELLIS_SOURCE_UNREADABLE', `no such file: ${file} (expected a JavaScript or TypeScript module)`, { file });
  }
  if (!statSync(file).isFile()) {
    throw new AnalyzerError('TRELLIS_SOURCE_UNREADABLE', `expected a JavaScript or TypeScript module file, got the folder ${file}`, { file });
  }
  let target: BuildTarget;
  if (options.functionName !== undefined) {
    target = { kind: 'function', extracted: extractNamedFunction(file, options.functionName) };
  } else {
    parseModule(file); // a syntax error is reported as one, with file:line:col
    target = { kind: 'module', file };
  }
  return analyzeTarget(target, { relocate: options.relocate ?? false, format: 'esm', functionName: options.functionName });
}

/** The environment of an extracted function or a module, bundled in `format`. */
export async function analyzeTarget(
  target: BuildTarget,
  options: { relocate: boolean; format: 'esm' | 'cjs'; functionName?: string | undefined },
): Promise<EnvironmentAnalysis> {
  const file = target.kind === 'function' ? target.extracted.file : target.file;
  const root = projectRoot(file);
  const built = await buildEnvironment(target, root, options.relocate, options.format);

  const npm = new Map<string, Set<string>>();
  const addPackage = (p: PackageInfo): void => void npm.set(p.name, (npm.get(p.name) ?? new Set()).add(p.version));
  const local = new Set<string>([file]);
  const files = new Set<string>([file]);
  const inputs = inputFiles(built.metafile, built.workingDir);
  for (const input of inputs) {
    files.add(input);
    const pkg = packageOf(input);
    if (!pkg) local.add(input);
    else {
      addPackage(pkg);
      files.add(join(pkg.dir, 'package.json'));
    }
  }
  const native: Record<string, string> = {};
  const packages = new Map<string, PackageInfo>();
  for (const pkg of built.natives.values()) {
    native[pkg.name] = pkg.version;
    for (const p of dependencyClosure(pkg)) {
      packages.set(p.dir, p);
      addPackage(p);
    }
  }
  for (const addon of built.localAddons) native[projectPath(addon, root)] = 'local addon';
  for (const p of packages.values()) for (const f of listFiles(p.dir, ['node_modules'])) files.add(f);
  const dataFiles = new Set<string>();
  const data = new Set<string>();
  const dataDirs = new Set<string>();
  for (const s of built.scanned.values()) {
    for (const ref of s.references.data) {
      data.add(ref.path);
      for (const f of listFiles(ref.path, ['node_modules'], dataDirs)) dataFiles.add(f);
    }
  }
  for (const f of dataFiles) files.add(f);
  for (const f of dataFiles) if (f.endsWith('.node')) native[projectPath(f, root)] = 'local addon';

  const rel = (abs: string): string => projectPath(abs, root);
  const sortedRel = (set: Iterable<string>): string[] => [...set].map(rel).sort();
  const warnings = warningsOf(built, rel);
  const spec: EnvironmentSpec = {
    function: { module: rel(file), ...(options.functionName !== undefined ? { export: options.functionName } : {}) },
    node: nodeRange(root),
    npm: Object.fromEntries([...npm].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, versions]) => [name, [...versions].sort().join(' || ')])),
    builtins: built.builtins,
    local: sortedRel(local),
    data: sortedRel(data),
    native: Object.fromEntries(Object.entries(native).sort(([a], [b]) => (a < b ? -1 : 1))),
    files: sortedRel(files),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  return {
    root,
    spec,
    code: built.code,
    ...(target.kind === 'function' ? { exportName: target.extracted.exportName } : {}),
    dataFiles: [...dataFiles].sort(),
    packages: [...packages.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1)),
    inputs,
    dataDirs: [...dataDirs].sort(),
  };
}

/** `path:line:col: message` for each warning, TypeScript positions mapped back to the source. */
function warningsOf(built: EnvironmentBuild, rel: (abs: string) => string): string[] {
  const out: string[] = [];
  for (const [path, s] of [...built.scanned].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const w of s.references.warnings) {
      const at = s.typeScriptMap ? originalPosition(s.typeScriptMap, w.line, w.column - 1) : w;
      out.push(`${rel(path)}:${at.line}:${at.column}: ${w.message}`);
    }
  }
  for (const w of built.buildWarnings) {
    const s = built.scanned.get(w.file);
    const at = s?.typeScriptMap ? originalPosition(s.typeScriptMap, w.line, w.column - 1) : w;
    out.push(`${rel(w.file)}:${at.line}:${at.column}: ${w.message}`);
  }
  return out;
}

/** The application's own "engines.node", else the oldest Node Trellis supports. */
function nodeRange(root: string): string {
  const engines = readPackage(root)?.manifest.engines as { node?: unknown } | undefined;
  return typeof engines?.node === 'string' ? engines.node : DEFAULT_NODE_RANGE;
}
