// The allocation modes a category can use, and parsing a mode name with a precise error.

export const ALLOCATION_MODES = [
  'fixed', 'max', 'min-waste', 'max-throughput', 'greedy-bucketing', 'exhaustive-bucketing', 'cost-bucketing',
] as const;
export type AllocationMode = (typeof ALLOCATION_MODES)[number];

export const HISTOGRAM_MODES: readonly AllocationMode[] = ['max', 'min-waste', 'max-throughput'];
export const BUCKETING_MODES: readonly AllocationMode[] = ['greedy-bucketing', 'exhaustive-bucketing', 'cost-bucketing'];

export function isAllocationMode(name: unknown): name is AllocationMode {
  return typeof name === 'string' && (ALLOCATION_MODES as readonly string[]).includes(name);
}

export function parseAllocationMode(name: unknown, what = 'mode'): AllocationMode {
  if (!isAllocationMode(name)) {
    throw new TypeError(`${what}: expected one of ${ALLOCATION_MODES.join(', ')}, got ${JSON.stringify(name)}`);
  }
  return name;
}
