// JX values are JSON values. Numbers with no fractional part are integers (so 7/2 is 3, as in JX); objects
// made by expressions have no prototype, so a key like "__proto__" is only a key.

export type JxValue = null | boolean | number | string | JxValue[] | JxObject;
export interface JxObject { [key: string]: JxValue }

export type JxType = 'null' | 'boolean' | 'integer' | 'float' | 'string' | 'array' | 'object';

export function typeOf(v: unknown): JxType {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return 'boolean';
    case 'number': return Number.isInteger(v) ? 'integer' : 'float';
    case 'string': return 'string';
    default: return Array.isArray(v) ? 'array' : 'object';
  }
}

export function isObject(v: unknown): v is JxObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A key of an object, own keys only (never the prototype chain). */
export function getKey(obj: JxObject, key: string): JxValue | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function newObject(): JxObject {
  return Object.create(null) as JxObject;
}

/** Deep equality; values of different types are unequal (integers and floats compare as numbers). */
export function jxEqual(a: JxValue, b: JxValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== typeof b) return false;
  if (typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jxEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const bo = b as JxObject;
  if (ka.length !== Object.keys(bo).length) return false;
  for (const k of ka) {
    const bv = getKey(bo, k);
    if (bv === undefined || !jxEqual(a[k]!, bv)) return false;
  }
  return true;
}

/** JX text for a value: JSON, with a space after commas and colons. Undefined fields print as null. */
export function jxToString(v: unknown, indent?: number): string {
  return print(v, indent ?? 0, 0);
}

function print(v: unknown, indent: number, level: number): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return String(v);
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'string': return JSON.stringify(v);
    case 'object': break;
    default: return 'null';
  }
  const nl = indent ? '\n' + ' '.repeat(indent * (level + 1)) : '';
  const close = indent ? '\n' + ' '.repeat(indent * level) : '';
  const sep = indent ? ',' + nl : ', ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + nl + v.map((x) => print(x, indent, level + 1)).join(sep) + close + ']';
  }
  const keys = Object.keys(v as object);
  if (keys.length === 0) return '{}';
  return '{' + nl + keys.map((k) => `${JSON.stringify(k)}: ${print((v as JxObject)[k], indent, level + 1)}`).join(sep) + close + '}';
}

/** Describes a value for an error message: its type and a short print of it. */
export function describeValue(v: JxValue): string {
  const text = jxToString(v);
  return `${typeOf(v)} ${text.length > 40 ? text.slice(0, 37) + '...' : text}`;
}
