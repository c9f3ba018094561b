// Turns a function into what a worker can run: checked at once (so remote() throws where it is called),
// bundled on first use, once per function object.
import { extractFunction } from '../analyzer/extract-function.js';
import { bundleFunction, type FunctionBundle } from '../analyzer/bundle-function.js';
import { applicationCallSite } from './call-site.js';
import { OptionError, describeValue } from './options.js';

export interface Shipment {
  name: string;
  /** Resolves with the bundle; bundling starts on the first call. */
  bundle(): Promise<FunctionBundle>;
  /** Set once bundled, so the hot path skips the promise. */
  ready: FunctionBundle | null;
}

const shipped = new WeakMap<Function, Shipment>();

export function shipFunction(where: string, fn: unknown): Shipment {
  if (typeof fn !== 'function') {
    throw new OptionError(`${where}: expected a function, got ${describeValue(fn)}`);
  }
  const known = shipped.get(fn);
  if (known) return known;
  const site = applicationCallSite();
  if (!site) throw new OptionError(`${where}: cannot tell which module defines ${fn.name || 'the function'}`);
  const extracted = extractFunction({ file: site.file, source: fn.toString(), name: fn.name, line: site.line });
  let pending: Promise<FunctionBundle> | null = null;
  const shipment: Shipment = {
    name: fn.name || 'anonymous',
    ready: null,
    bundle() {
      pending ??= bundleFunction(extracted).then((b: FunctionBundle) => (shipment.ready = b));
      return pending;
    },
  };
  shipped.set(fn, shipment);
  return shipment;
}
