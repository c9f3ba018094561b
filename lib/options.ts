// Validation of user-given options: every bad value is rejected at once with the option's name, what was
// expected and what was given.

export class OptionError extends TypeError {
  code = 'TRELLIS_BAD_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

export function checkNumber(where: string, name: string, v: unknown, opts: { min?: number; integer?: boolean; allowInfinity?: boolean } = {}): number {
  const min = opts.min ?? 0;
  const ok = typeof v === 'number' && !Number.isNaN(v) && v >= min && (opts.allowInfinity || Number.isFinite(v)) &&
    (!opts.integer || Number.isInteger(v));
  if (!ok) {
    throw new OptionError(`${where}: option "${name}" expects ${opts.integer ? 'an integer' : 'a number'} >= ${min}, got ${describeValue(v)}`);
  }
  return v as number;
}

export function checkString(where: string, name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new OptionError(`${where}: option "${name}" expects a non-empty string, got ${describeValue(v)}`);
  }
  return v;
}

/** Throws on keys that are not in `known`, listing the known ones. */
export function checkKnownKeys(where: string, given: object, known: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      throw new OptionError(`${where}: unknown option "${key}"; expected one of ${known.join(', ')}`);
    }
  }
}

export function checkObject(where: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new OptionError(`${where}: options expects an object, got ${describeValue(v)}`);
  }
  return v as Record<string, unknown>;
}
