// Resource vectors for allocation: what a task is given and what it used. Memory and disk are MB,
// wall time is seconds (0 = no limit), as in Work Queue.

export const RESOURCE_NAMES = ['cores', 'memory', 'disk', 'gpus', 'wallTime'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];
export type Resources = Record<ResourceName, number>;

/** The resources learned from measurements; gpus and wall time are only ever given, never guessed. */
export const AUTO_RESOURCES = ['cores', 'memory', 'disk'] as const;
export type AutoResource = (typeof AUTO_RESOURCES)[number];

export const UNITS: Record<ResourceName, string> = { cores: '', memory: ' MB', disk: ' MB', gpus: '', wallTime: ' s' };

export function resources(r: Partial<Resources> = {}): Resources {
  return { cores: r.cores ?? 0, memory: r.memory ?? 0, disk: r.disk ?? 0, gpus: r.gpus ?? 0, wallTime: r.wallTime ?? 0 };
}

export function formatAmount(name: ResourceName, value: number): string {
  return `${name}=${+value.toFixed(3)}${UNITS[name]}`;
}

export function formatVector(r: Partial<Resources>): string {
  return RESOURCE_NAMES.filter((n) => r[n] !== undefined).map((n) => formatAmount(n, r[n] as number)).join(' ');
}

/** Throws unless every given amount is a finite number >= 0; `what` names the setting in the message. */
export function checkPartial(what: string, r: Partial<Resources> | undefined): Partial<Resources> {
  if (r === undefined) return {};
  if (typeof r !== 'object' || r === null) throw new TypeError(`${what}: expected an object of resource amounts, got ${String(r)}`);
  for (const [key, value] of Object.entries(r)) {
    if (!(RESOURCE_NAMES as readonly string[]).includes(key)) {
      throw new TypeError(`${what}: expected resource names ${RESOURCE_NAMES.join(', ')}, got "${key}"`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`${what}.${key}: expected a number >= 0, got ${JSON.stringify(value)}`);
    }
  }
  return r;
}
