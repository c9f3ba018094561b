// Analyzer: per fixture function, how long analyze and pack take, how big the bundle and the whole
// environment are, against the bytes of the files @vercel/nft lists for the same module (measured
// in the same run); and what the application-side bundle cache saves on a second run.
// The bar: on the several-heavy-packages module each function's environment is <= 1/4 of nft's bytes.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileTrace } from '@vercel/nft';
import { analyzeEnvironment } from '../analyzer/analyze-environment.js';
import { bundleCacheStats } from '../analyzer/bundle-cache.js';
import { bundleFunction } from '../analyzer/bundle-function.js';
import { extractNamedFunction } from '../analyzer/named-function.js';
import { packEnvironment } from '../analyzer/pack-environment.js';
import type { BenchResult } from './run.js';
import { firstCalls } from './_first-call.js';

const fixtures = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../fixtures');
const ENV_APP = join(fixtures, 'env-app');
const HEAVY_APP = join(fixtures, 'heavy-app');

const FUNCTIONS: [app: string, file: string, name: string][] = [
  [ENV_APP, 'src/esm-only.js', 'idFrom'],
  [ENV_APP, 'src/commonjs.cjs', 'toMilliseconds'],
  [ENV_APP, 'src/conditions.js', 'nameUuid'],
  [ENV_APP, 'src/conditions.js', 'conditionsChosen'],
  [ENV_APP, 'src/json-import.js', 'elementName'],
  [ENV_APP, 'src/data-files.js', 'wordCount'],
  [ENV_APP, 'src/data-dirname.cjs', 'greet'],
  [ENV_APP, 'src/native.js', 'maskBytes'],
  [ENV_APP, 'src/typed.ts', 'distance'],
  [HEAVY_APP, 'app.js', 'calculate'],
  [HEAVY_APP, 'app.js', 'dayAfter'],
  [HEAVY_APP, 'app.js', 'groupByLength'],
  [HEAVY_APP, 'app.js', 'readYaml'],
  [HEAVY_APP, 'app.js', 'validate'],
  [HEAVY_APP, 'app.js', 'render'],
];

interface Row {
  function: string;
  analyzeMs: number;
  packMs: number;
  bundleBytes: number;
  envBytes: number;
  archiveBytes: number;
  nftBytes: number;
  nftFiles: number;
  envOverNft: number;
  bundleColdMs: number;
  bundleCachedMs: number;
  /** What remote() ships: the bundle plus the files beside it. */
  remoteEnvBytes: number;
  remoteEnvFiles: number;
  remoteEnvOverNft: number;
}

interface ModuleRow {
  module: string;
  analyzeMs: number; // median of `repeat`, `trellis analyze <module>` (the whole module)
  nftMs: number; // median of `repeat`, nodeFileTrace of the same module
  analyzeOverNft: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const ms = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

async function nftBytes(app: string, file: string): Promise<{ bytes: number; files: number; ms: number }> {
  const t0 = performance.now();
  const { fileList } = await nodeFileTrace([join(app, file)], { base: app });
  let bytes = 0;
  for (const f of fileList) bytes += statSync(join(app, f)).size;
  return { bytes, files: fileList.size, ms: ms(t0) };
}

export default async function analyzerBench(args: string[]): Promise<BenchResult> {
  const repeat = Number(args[args.indexOf('--repeat') + 1]) || 5;
  const work = mkdtempSync(join(tmpdir(), 'trellis-bench-analyzer-'));
  const savedCache = process.env.TRELLIS_CACHE;
  process.env.TRELLIS_CACHE = join(work, 'cache'); // a fresh application cache: the first bundle is cold
  try {
    await analyzeEnvironment({ file: join(ENV_APP, 'src/esm-only.js'), functionName: 'idFrom' }); // starts esbuild's service
    const nft = new Map<string, Awaited<ReturnType<typeof nftBytes>>>();
    const rows: Row[] = [];
    for (const [app, file, name] of FUNCTIONS) {
      const key = join(app, file);
      if (!nft.has(key)) nft.set(key, await nftBytes(app, file));
      const traced = nft.get(key)!;
      let t0 = performance.now();
      const analysis = await analyzeEnvironment({ file: key, functionName: name });
      const analyzeMs = ms(t0);
      t0 = performance.now();
      const packed = await packEnvironment({ file: key, functionName: name, out: join(work, `${name}.tar.gz`) });
      const packMs = ms(t0);
      // remote()'s path: extract + bundle, first with an empty cache, then as a re-run of the application.
      const extracted = extractNamedFunction(key, name);
      t0 = performance.now();
      const shipped = await bundleFunction(extracted);
      const bundleColdMs = ms(t0);
      const remoteEnvBytes = Buffer.byteLength(shipped.code) + shipped.files.reduce((n, f) => n + f.size, 0);
      const hits = bundleCacheStats.hits;
      t0 = performance.now();
      await bundleFunction(extracted);
      const bundleCachedMs = ms(t0);
      if (bundleCacheStats.hits !== hits + 1) throw new Error(`bench: the second bundle of ${name} was not a cache hit`);
      rows.push({
        function: `${app === HEAVY_APP ? 'heavy-app' : 'env-app'}/${file}:${name}`,
        analyzeMs,
        packMs,
        bundleBytes: Buffer.byteLength(analysis.code),
        envBytes: packed.contentBytes,
        archiveBytes: packed.bytes,
        nftBytes: traced.bytes,
        nftFiles: traced.files,
        envOverNft: Math.round((packed.contentBytes / traced.bytes) * 10_000) / 10_000,
        bundleColdMs,
        bundleCachedMs,
        remoteEnvBytes,
        remoteEnvFiles: shipped.files.length,
        remoteEnvOverNft: Math.round((remoteEnvBytes / traced.bytes) * 10_000) / 10_000,
      });
    }
    // `trellis analyze` of each whole module against nft on the same module, alternating, medians of `repeat`.
    const modules: ModuleRow[] = [];
    for (const key of nft.keys()) {
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let i = 0; i < repeat; i++) {
        let t = performance.now();
        await analyzeEnvironment({ file: key });
        ours.push(ms(t));
        t = performance.now();
        await nodeFileTrace([key], { base: key.startsWith(HEAVY_APP) ? HEAVY_APP : ENV_APP });
        theirs.push(ms(t));
      }
      const analyzeMs = median(ours);
      const nftMs = median(theirs);
      modules.push({ module: key.slice(fixtures.length + 1), analyzeMs, nftMs, analyzeOverNft: Math.round((analyzeMs / nftMs) * 1000) / 1000 });
    }
    const slowest = Math.max(...modules.map((m) => m.analyzeOverNft));
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    const totalOverNft = Math.round((sum(modules.map((m) => m.analyzeMs)) / sum(modules.map((m) => m.nftMs))) * 1000) / 1000;
    const heavy = rows.filter((r) => r.function.startsWith('heavy-app/'));
    const worstHeavy = Math.max(...heavy.map((r) => r.envOverNft));
    const starts = firstCalls(repeat);
    const speedups = starts.map((r) => r.compile_cache_speedup);
    const figures = {
      functions: rows,
      modules,
      worstAnalyzeOverNft: slowest,
      totalAnalyzeOverNft: totalOverNft,
      analyzeNotSlowerThanNft: slowest <= 1,
      worstRemoteEnvOverNft: Math.max(...rows.map((r) => r.remoteEnvOverNft)),
      first_calls: starts,
      compile_cache_speedup_min: Math.min(...speedups),
      compile_cache_speedup_max: Math.max(...speedups),
      nftMs: Object.fromEntries([...nft].map(([k, v]) => [k.slice(fixtures.length + 1), v.ms])),
      heavyWorstEnvOverNft: worstHeavy,
      heavyBarMet: worstHeavy <= 0.25,
    };
    const pad = (s: string | number, n: number): string => String(s).padStart(n);
    const report = [
      'analyzer: per function — analyze, pack, bundle and environment size vs @vercel/nft on the same module',
      `${'function'.padEnd(40)}${pad('analyze ms', 11)}${pad('pack ms', 9)}${pad('bundle B', 10)}${pad('env B', 10)}${pad('tar.gz B', 10)}${pad('nft B', 10)}${pad('env/nft', 9)}${pad('bundle ms cold/cached', 23)}`,
      ...rows.map(
        (r) =>
          `${r.function.padEnd(40)}${pad(r.analyzeMs, 11)}${pad(r.packMs, 9)}${pad(r.bundleBytes, 10)}${pad(r.envBytes, 10)}${pad(r.archiveBytes, 10)}${pad(r.nftBytes, 10)}${pad(r.envOverNft.toFixed(3), 9)}${pad(`${r.bundleColdMs} / ${r.bundleCachedMs}`, 23)}`,
      ),
      `nft ms per module: ${Object.entries(figures.nftMs).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      '',
      `what remote() ships (bundle + files beside it) vs nft bytes`,
      `${'function'.padEnd(40)}${pad('remote env B', 14)}${pad('files', 7)}${pad('nft B', 10)}${pad('env/nft', 9)}`,
      ...rows.map((r) => `${r.function.padEnd(40)}${pad(r.remoteEnvBytes, 14)}${pad(r.remoteEnvFiles, 7)}${pad(r.nftBytes, 10)}${pad(r.remoteEnvOverNft.toFixed(3), 9)}`),
      '',
      `trellis analyze <module> vs @vercel/nft on the same module (medians of ${repeat}, alternating, same process)`,
      `${'module'.padEnd(34)}${pad('analyze ms', 12)}${pad('nft ms', 9)}${pad('ratio', 8)}`,
      ...modules.map((m) => `${m.module.padEnd(34)}${pad(m.analyzeMs, 12)}${pad(m.nftMs, 9)}${pad(m.analyzeOverNft.toFixed(3), 8)}`),
      `slowest analyze/nft ratio: ${slowest.toFixed(3)} (bar <= 1: ${slowest <= 1 ? 'met' : 'NOT met'}); all modules together: ${totalOverNft.toFixed(3)}`,
      `heavy module: worst environment / nft bytes = ${worstHeavy.toFixed(3)} (bar <= 0.25: ${figures.heavyBarMet ? 'met' : 'NOT met'})`,
      '',
      `first calls on worker processes (heavy-app, median of ${repeat} for the second worker)`,
      `${'function'.padEnd(16)}${pad('first ms', 10)}${pad('warm ms', 9)}${pad('2nd worker ms', 15)}` +
        `${pad('lib cache B', 13)}${pad('lib ms', 8)}${pad('lib x', 7)}${pad('cache B', 10)}${pad('cached ms', 11)}${pad('cached x', 10)}`,
      ...starts.map((r) => `${r.function.padEnd(16)}${pad(r.first_call_ms, 10)}${pad(r.warm_call_ms, 9)}${pad(r.second_worker_first_call_ms, 15)}` +
        `${pad(r.v8_compile_cache_lib_bytes, 13)}${pad(r.second_worker_lib_first_call_ms, 8)}${pad(r.v8_compile_cache_lib_speedup.toFixed(2), 7)}` +
        `${pad(r.compile_cache_bytes, 10)}${pad(r.second_worker_cached_first_call_ms, 11)}${pad(r.compile_cache_speedup.toFixed(2), 10)}`),
      `compile cache: second worker's first call ${figures.compile_cache_speedup_min.toFixed(2)}-${figures.compile_cache_speedup_max.toFixed(2)}x faster (bar >= 1.3)`,
    ];
    return { figures, report };
  } finally {
    if (savedCache === undefined) delete process.env.TRELLIS_CACHE;
    else process.env.TRELLIS_CACHE = savedCache;
    rmSync(work, { recursive: true, force: true });
  }
}
