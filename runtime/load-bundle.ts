// Loads a function's bundle inside a thread, with the V8 compile cache kept next to it on disk.
// CommonJS bundles are compiled as a vm.Script with the cached data of an earlier load; after the
// first call in a thread has run, the code V8 compiled lazily while running it is written back
// (Script.createCachedData then holds those functions too: 0.2-0.9 MB where a cache made at compile
// time holds 10-40 KB of top-level code), so the next thread or worker process on the node starts
// the function without parsing and compiling it again. ES-module bundles (top-level await) are
// imported; Node >= 22.1 caches them itself once module.enableCompileCache is on.
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { writeWhole } from './write-whole.js';

type Exports = Record<string, unknown>;

/** Where a bundle's compile cache lives: one per V8 version, since V8 refuses data of another. */
function compileCachePath(bundleFile: string): string {
  return `${bundleFile}.v8-${process.versions.v8}.cache`;
}

interface Pending { script: Script; file: string }
/** Scripts loaded without usable cached data: their cache is written once their first call ran. */
const pending: Pending[] = [];

/**
 * TRELLIS_COMPILE_CACHE: `after-first-call` (the default, above), `v8-compile-cache-lib` (that library's
 * require hook, which keeps the cache V8 makes at compile time, before the code runs) or `off`. The
 * benchmark measures each; the default is the one that saves the most.
 */
const mode = process.env.TRELLIS_COMPILE_CACHE ?? 'after-first-call';
const enabled = mode === 'after-first-call';

const MODES = ['after-first-call', 'v8-compile-cache-lib', 'off'];

export async function loadBundle(file: string): Promise<Exports> {
  if (!MODES.includes(mode)) throw new Error(`TRELLIS_COMPILE_CACHE expects one of ${MODES.join(', ')}, got "${mode}"`);
  if (file.endsWith('.mjs')) {
    enableModuleCache(dirname(file));
    return (await import(pathToFileURL(file).href)) as Exports;
  }
  if (mode === 'v8-compile-cache-lib') return requireWithLibrary(file);
  const cachePath = compileCachePath(file);
  let cachedData: Buffer | undefined;
  try {
    if (enabled) cachedData = readFileSync(cachePath);
  } catch {
    // no cache yet
  }
  const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (enabled && (cachedData === undefined || script.cachedDataRejected)) pending.push({ script, file: cachePath });
  const module = { exports: {} as Exports };
  const run = script.runInThisContext() as (e: Exports, r: NodeRequire, m: typeof module, f: string, d: string) => void;
  run.call(module.exports, module.exports, nodeModule.createRequire(file), module, file, dirname(file));
  return module.exports;
}

/** Writes the caches of bundles whose first call has now run; a failed write only costs speed. */
export function saveCompileCaches(): void {
  for (const { script, file } of pending.splice(0)) {
    try {
      writeWhole(file, script.createCachedData()); // another thread may be reading it
    } catch {
      // a full or read-only disk: the next load compiles again
    }
  }
}

// CommonJS's own wrapper, on one line so stack traces keep the bundle's line numbers.
function wrap(code: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${code}\n});`;
}

function requireWithLibrary(file: string): Exports {
  const req = nodeModule.createRequire(import.meta.url);
  const { install } = req('v8-compile-cache-lib') as typeof import('v8-compile-cache-lib');
  // Its store sits next to the bundle (<hash>.cjs.BLOB/.MAP), so it is evicted with it.
  const hook = install({ cacheDir: dirname(file), prefix: basename(file) });
  try {
    return req(file) as Exports;
  } finally {
    hook?.uninstall(); // saves the store when it changed
  }
}

let moduleCacheOn = false;
function enableModuleCache(dir: string): void {
  if (moduleCacheOn || mode === 'off') return;
  moduleCacheOn = true;
  const enable = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  enable?.(`${dir}/module-compile-cache`);
}
