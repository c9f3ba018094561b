// Turns a function into what a worker can run: checked at once (so remote() throws where it is called),
// made into its environment (bundle and files) on first use, once per function object. The files'
// contents are read here, while the first call is preparing, so handing them to the dispatch core
// never waits on the disk.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extractFunction } from '../analyzer/extract-function.js';
import { bundleFunction, type FunctionBundle } from '../analyzer/bundle-function.js';
import { applicationCallSite } from './call-site.js';
import { OptionError, describeValue } from './options.js';

/** An environment ready to ship: the bundle, its files, and their contents by hash. */
export interface ReadyEnvironment extends FunctionBundle {
  data: Map<string, Uint8Array>;
}

export interface Shipment {
  name: string;
  /** Resolves with the environment; analysis starts on the first call. */
  bundle(): Promise<ReadyEnvironment>;
  /** Set once ready, so the hot path skips the promise. */
  ready: ReadyEnvironment | null;
}

// Keyed by the function object itself (any function the application passed).
const shipped = new WeakMap<object, Shipment>();

export function shipFunction(where: string, fn: unknown, include: readonly string[] = []): Shipment {
  if (typeof fn !== 'function') {
    throw new OptionError(`${where}: expected a function, got ${describeValue(fn)}`);
  }
  const known = shipped.get(fn);
  if (known) return known;
  const site = applicationCallSite();
  if (!site) throw new OptionError(`${where}: cannot tell which module defines ${fn.name || 'the function'}`);
  const extracted = extractFunction({ file: site.file, source: fn.toString(), name: fn.name, line: site.line });
  let pending: Promise<ReadyEnvironment> | null = null;
  const shipment: Shipment = {
    name: fn.name || 'anonymous',
    ready: null,
    bundle() {
      pending ??= bundleFunction(extracted, { include }).then(withContents).then((b) => (shipment.ready = b));
      return pending;
    },
  };
  shipped.set(fn, shipment);
  return shipment;
}

async function withContents(b: FunctionBundle): Promise<ReadyEnvironment> {
  const data = new Map<string, Uint8Array>();
  await Promise.all(b.files.map(async (f) => {
    const bytes = await readFile(f.source);
    if (createHash('sha256').update(bytes).digest('hex') !== f.hash) {
      throw new OptionError(`${f.source} changed while its environment was being made (it ships as ${f.path}); call again once it no longer changes`);
    }
    data.set(f.hash, bytes);
  }));
  return { ...b, data };
}
