// The options every task takes (resources, category, retries, priority) and their validation.
import type { ResourceAmounts } from '../protocol/messages.js';
import { checkNumber, checkString, checkKnownKeys, checkObject } from './options.js';

export interface TaskOptions {
  /** Tasks of one category share learned resource needs. Default 'default'. */
  category?: string;
  cores?: number;
  /** MB */
  memory?: number;
  /** MB */
  disk?: number;
  gpus?: number;
  /** Seconds the task may run before it is stopped (result 'max-wall-time'). */
  wallTime?: number;
  /** How many times a task whose worker was lost is put back in the queue. Default 5. */
  retries?: number;
  /** Higher runs first. Default 0. */
  priority?: number;
}

export const TASK_OPTION_KEYS = ['category', 'cores', 'memory', 'disk', 'gpus', 'wallTime', 'retries', 'priority'] as const;

export interface ResolvedTaskOptions {
  category: string;
  resources: ResourceAmounts;
  /** The resources the user set for this task (they override the category's allocation). */
  explicit: Partial<ResourceAmounts>;
  wallTime: number | null;
  retries: number;
  priority: number;
}

/** Defaults: one core; memory, disk and gpus not reserved unless asked for. */
let defaults: ResolvedTaskOptions | null = null;

export function resolveTaskOptions(where: string, given: unknown, extraKeys: readonly string[] = []): ResolvedTaskOptions {
  // Tasks made without options share one frozen set of defaults.
  if (given === undefined) return (defaults ??= deepFreeze(resolveTaskOptions(where, {})));
  const o = checkObject(where, given);
  checkKnownKeys(where, o, [...TASK_OPTION_KEYS, ...extraKeys]);
  return {
    category: o.category === undefined ? 'default' : checkString(where, 'category', o.category),
    resources: {
      cores: o.cores === undefined ? 1 : checkNumber(where, 'cores', o.cores, { min: 0 }),
      memory: o.memory === undefined ? 0 : checkNumber(where, 'memory', o.memory, { min: 0 }),
      disk: o.disk === undefined ? 0 : checkNumber(where, 'disk', o.disk, { min: 0 }),
      gpus: o.gpus === undefined ? 0 : checkNumber(where, 'gpus', o.gpus, { min: 0, integer: true }),
    },
    explicit: Object.fromEntries((['cores', 'memory', 'disk', 'gpus'] as const).filter((k) => o[k] !== undefined)
      .map((k) => [k, o[k] as number])),
    wallTime: o.wallTime === undefined ? null : checkNumber(where, 'wallTime', o.wallTime, { min: 0 }),
    retries: o.retries === undefined ? 5 : checkNumber(where, 'retries', o.retries, { min: 0, integer: true }),
    priority: o.priority === undefined ? 0 : checkNumber(where, 'priority', o.priority, { min: -Infinity }),
  };
}

function deepFreeze(o: ResolvedTaskOptions): ResolvedTaskOptions {
  Object.freeze(o.resources);
  Object.freeze(o.explicit);
  return Object.freeze(o);
}
