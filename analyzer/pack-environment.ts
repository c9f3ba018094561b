// `trellis pack`: a module (or one function of it), or a spec, made into an environment archive —
// bundle, data files, native packages, git checkouts, http downloads and a manifest — whose bytes
// depend only on those contents.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { analyzeEnvironment, type EnvironmentAnalysis } from './analyze-environment.js';
import { BUNDLE_FILE, MANIFEST_FILE, projectPath } from './environment-layout.js';
import { includedFiles } from './include-files.js';
import { MANIFEST_FORMAT, sha256, signManifest, type EnvironmentManifest } from './environment-manifest.js';
import type { EnvironmentSpec } from './environment-spec.js';
import { AnalyzerError } from './errors.js';
import { listFiles } from './list-files.js';
import { readSpecFile } from './read-spec.js';
import { stageEnvironment } from './stage-environment.js';
import { writeTarGz } from './deterministic-tar.js';

export type PackOptions = { out: string; onStep?: PackStepListener } & ({ file: string; functionName?: string } | { specFile: string });

/** The steps of a pack, for a progress bar: analyze, stage, hash, archive. */
export const PACK_STEPS = ['analyze', 'stage files', 'hash files', 'write archive'] as const;
export type PackStepListener = (done: number, step: (typeof PACK_STEPS)[number]) => void;

export interface PackResult {
  out: string;
  hash: string;
  bytes: number; // of the archive
  contentBytes: number; // of the files in it
  manifest: EnvironmentManifest;
  analysis: EnvironmentAnalysis;
}

export async function packEnvironment(options: PackOptions): Promise<PackResult> {
  let analysis: EnvironmentAnalysis;
  let extraData: string[] = [];
  let spec: EnvironmentSpec;
  if ('specFile' in options) {
    const read = readSpecFile(options.specFile);
    if (!read.spec.function) {
      throw new AnalyzerError('TRELLIS_BAD_SPEC', `bad spec ${options.specFile}: 'function' expects {"module": PATH, "export": NAME}, got nothing`, {
        file: options.specFile,
      });
    }
    const { module, export: name } = read.spec.function;
    analysis = await analyzeEnvironment({ file: resolve(read.root, module), ...(name !== undefined ? { functionName: name } : {}), relocate: true });
    checkAgainstSpec(read.spec, analysis, options.specFile);
    extraData = (read.spec.data ?? []).flatMap((d, i) => dataFiles(resolve(read.root, d), `data[${i}]`, options.specFile));
    // 'files' written by hand (paths or globs the analysis did not list) is what no analysis can see: it goes too.
    const found = new Set(analysis.spec.files ?? []);
    const added = includedFiles((read.spec.files ?? []).filter((f) => !found.has(f)), read.root);
    extraData.push(...added.files);
    // The hand-written parts of the spec travel with it; what analysis found is written fresh.
    spec = { ...analysis.spec, ...pick(read.spec, ['node', 'git', 'http']), data: mergeSorted(analysis.spec.data, read.spec.data),
      files: mergeSorted(analysis.spec.files, added.files.map((f) => projectPath(f, read.root))) };
    if (added.warnings.length > 0) spec.warnings = [...(spec.warnings ?? []), ...added.warnings];
  } else {
    analysis = await analyzeEnvironment({ file: options.file, ...(options.functionName !== undefined ? { functionName: options.functionName } : {}), relocate: true });
    spec = analysis.spec;
  }

  options.onStep?.(1, 'analyze');
  const stage = mkdtempSync(join(tmpdir(), 'trellis-pack-'));
  try {
    const staged = await stageEnvironment(stage, analysis, extraData, spec);
    options.onStep?.(2, 'stage files');
    const files: Record<string, string> = {};
    let contentBytes = 0;
    for (const f of listFiles(stage)) {
      const data = readFileSync(f);
      files[relative(stage, f).split('\\').join('/')] = sha256(data);
      contentBytes += data.length;
    }
    options.onStep?.(3, 'hash files');
    const manifest = signManifest({
      format: MANIFEST_FORMAT,
      entry: BUNDLE_FILE,
      export: analysis.exportName ?? null,
      node: spec.node ?? '>=20.19',
      env: staged.env,
      sources: staged.sources,
      spec,
      files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))),
    });
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    writeFileSync(join(stage, MANIFEST_FILE), manifestText);
    const out = resolve(options.out);
    await writeTarGz(stage, [MANIFEST_FILE, ...Object.keys(files)], out, MANIFEST_FILE);
    options.onStep?.(4, 'write archive');
    return { out, hash: manifest.hash, bytes: statSync(out).size, contentBytes: contentBytes + manifestText.length, manifest, analysis };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

// A spec names versions; packing from it with other versions installed would ship other code.
function checkAgainstSpec(spec: EnvironmentSpec, analysis: EnvironmentAnalysis, source: string): void {
  for (const key of ['npm', 'native'] as const) {
    const found = analysis.spec[key] ?? {};
    for (const [name, wanted] of Object.entries(spec[key] ?? {})) {
      const installed = found[name];
      if (installed !== undefined && installed !== wanted) {
        throw new AnalyzerError(
          'TRELLIS_SPEC_MISMATCH',
          `spec ${source}: '${key}.${name}' expects version ${wanted}, but the environment would hold ${installed} (installed under ${analysis.root}); ` +
            `install ${name}@${wanted} or update the spec`,
          { file: source },
        );
      }
    }
  }
}

function dataFiles(path: string, key: string, source: string): string[] {
  try {
    return listFiles(path, ['node_modules']);
  } catch {
    throw new AnalyzerError('TRELLIS_BAD_SPEC', `bad spec ${source}: '${key}' expects an existing file or folder, got ${path}`, { file: source });
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function mergeSorted(a: string[] | undefined, b: string[] | undefined): string[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])].sort();
}
