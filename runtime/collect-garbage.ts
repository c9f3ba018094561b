// A full garbage collection on demand, after a large value went through: idle threads and an idle worker
// run no collection by themselves, so the copies of a big result would stay resident until the next task.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Values at least this large are followed by a collection. */
export const LARGE_VALUE_BYTES = 32 * 1024 * 1024;

export function collectGarbage(): void {
  gc();
}
