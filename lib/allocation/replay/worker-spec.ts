// Parsing a worker size such as `cores=64,memory=262144,disk=262144` (memory and disk in MB).
import type { WorkerSize } from './policies.js';

export const DEFAULT_WORKER: Readonly<WorkerSize> = Object.freeze({ cores: 64, memory: 262144, disk: 262144 });

export function parseWorkerSpec(spec: string, what = '--worker'): WorkerSize {
  const size: WorkerSize = { ...DEFAULT_WORKER };
  const expected = 'cores=N,memory=MB,disk=MB (any of them, e.g. cores=64,memory=262144)';
  if (spec.trim() === '') throw new TypeError(`${what}: expected ${expected}, got ""`);
  for (const part of spec.split(',')) {
    const m = /^\s*(\w+)\s*=\s*(.*?)\s*$/.exec(part);
    if (!m) throw new TypeError(`${what}: expected ${expected}, got "${part}" in "${spec}"`);
    const [, key, raw] = m;
    if (key !== 'cores' && key !== 'memory' && key !== 'disk') {
      throw new TypeError(`${what}: expected resource cores, memory or disk, got "${key}" in "${spec}"`);
    }
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n) || n <= 0) {
      throw new TypeError(`${what}: ${key} expects a number > 0, got "${raw}" in "${spec}"`);
    }
    size[key] = n;
  }
  return size;
}
