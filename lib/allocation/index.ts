// The allocation engine's names for the manager and the CLI.
export { CategoryAllocator, DEFAULT_PROBE, HISTOGRAM_BUCKET_SIZES, costProbeFor, probeFor } from './category-allocator.js';
export type { CategorySettings, CategoryState, NextAllocation, Outcome } from './category-allocator.js';
export { ALLOCATION_MODES, isAllocationMode, parseAllocationMode } from './modes.js';
export type { AllocationMode } from './modes.js';
export { AUTO_RESOURCES, RESOURCE_NAMES, resources, formatVector } from './resources.js';
export type { AutoResource, ResourceName, Resources } from './resources.js';
export { efficiencyStats } from './efficiency.js';
export type { AttemptOutcome, AttemptRecord, EfficiencyStats, ResourceEfficiency, TaskRecord } from './efficiency.js';
