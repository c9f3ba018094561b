// mapRemote(manager, fn, inputs): fn applied to every input on the manager's workers, results in input order,
// with a progress bar on a terminal. What manager.map() does.
import type { Manager } from './manager.js';
import { FunctionTask } from './task.js';
import { shipFunction } from './function-shipment.js';
import { resolveTaskOptions } from './task-options.js';
import type { TaskOptions } from './task-options.js';
import { createProgress, type ProgressOptions } from './progress.js';
import { OptionError, describeValue } from './options.js';

export interface MapOptions extends TaskOptions {
  /** false: no progress bar even on a terminal. Default true (drawn only on a TTY). */
  progress?: boolean;
  /** Where the bar is drawn. Default process.stderr. */
  progressStream?: ProgressOptions['stream'];
}

/** Resolves with fn(input) for each input, in input order; rejects with the first failure (the rest still run). */
export async function mapRemote<I, R>(manager: Manager, fn: (input: I) => R, inputs: Iterable<I>,
  options: MapOptions = {}): Promise<Awaited<R>[]> {
  if (inputs === null || typeof inputs !== 'object' || typeof (inputs as Iterable<I>)[Symbol.iterator] !== 'function') {
    throw new OptionError(`map: inputs expects an array or another iterable, got ${describeValue(inputs)}`);
  }
  if (options === null || typeof options !== 'object') throw new OptionError(`map: options expects an object, got ${describeValue(options)}`);
  const { progress: wantBar, progressStream, ...taskOptions } = options;
  // The calls go to the manager given: remote()'s default-manager logic is not needed (nor imported: no cycle).
  const resolved = resolveTaskOptions('map()', taskOptions, []);
  shipFunction('map()', fn);
  const call = (input: I) => manager.run(new FunctionTask(fn, input).useResolvedOptions(resolved)) as Promise<Awaited<R>>;
  const list = [...inputs];
  const bar = createProgress({ label: fn.name || 'map', total: list.length, stream: progressStream, enabled: wantBar !== false });
  try {
    return await Promise.all(list.map((input) => call(input).finally(() => bar.increment())));
  } finally {
    bar.stop();
  }
}
