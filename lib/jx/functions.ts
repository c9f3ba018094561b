// The JX function library. Pure functions only: none reads files, the network or the clock. select/where and
// project take their second argument unevaluated and evaluate it once per object, with the object's fields as
// symbols (falling back to the outer context). The dot operator makes `a.f(b)` the call `f(a, b)`.
import { posix } from 'node:path';
import { RE2JS } from 're2js';
import type { JxNode } from './ast.js';
import type { JxPosition } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { Scope } from './scope.js';
import { formatJx } from './format.js';
import { describeValue, isObject, jxToString, newObject, typeOf, type JxObject, type JxValue } from './values.js';

export interface JxFunction {
  name: string;
  usage: string;
  help: string;
  call(args: JxNode[], ev: Evaluator, scope: Scope, pos: JxPosition): JxValue;
}

export const FUNCTIONS = new Map<string, JxFunction>();

type Eager = (args: JxValue[], ev: Evaluator, pos: JxPosition, scope: Scope) => JxValue;

/** A function whose arguments are all evaluated first; min..max arguments. */
function define(name: string, usage: string, help: string, min: number, max: number, fn: Eager): void {
  FUNCTIONS.set(name, {
    name, usage, help,
    call(args, ev, scope, pos) {
      checkCount(name, usage, args.length, min, max, ev, pos);
      return fn(args.map((a) => ev.eval(a, scope)), ev, pos, scope);
    },
  });
}

function checkCount(name: string, usage: string, n: number, min: number, max: number, ev: Evaluator, pos: JxPosition): void {
  if (n < min || n > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    ev.fail(pos, `invalid arguments: ${name} takes ${want} argument${max === 1 && min === 1 ? '' : 's'} (${usage}), got ${n}`);
  }
}

function want(ok: boolean, ev: Evaluator, pos: JxPosition, name: string, what: string, got: JxValue): void {
  if (!ok) ev.fail(pos, `invalid arguments: ${name} expected ${what}, got ${describeValue(got)}`);
}

const isInt = (v: JxValue): v is number => typeof v === 'number' && Number.isInteger(v);

define('range', 'range(stop) or range(start, stop[, step])', 'the integers from start (default 0) up to stop, exclusive, by step (default 1)', 1, 3, (a, ev, pos) => {
  for (const v of a) want(isInt(v), ev, pos, 'range', 'integers', v);
  const [start, stop, step] = a.length === 1 ? [0, a[0] as number, 1] : [a[0] as number, a[1] as number, (a[2] ?? 1) as number];
  if (step === 0) ev.fail(pos, 'invalid arguments: range step must not be 0');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  ev.grow(pos, count);
  ev.step(pos, count);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = start + i * step;
  return out;
});

define('format', 'format(spec, ...)', 'printf-style formatting: %s %d %i %f %e %g %% with flags, width and precision', 1, Infinity, (a, ev, pos) => {
  want(typeof a[0] === 'string', ev, pos, 'format', 'a format string first', a[0]!);
  try {
    const out = formatJx(a[0] as string, a.slice(1));
    ev.grow(pos, out.length);
    return out;
  } catch (err) {
    return ev.fail(pos, `invalid arguments: ${(err as Error).message}`);
  }
});

define('join', 'join(list[, separator])', 'the strings of a list joined by the separator (default " ")', 1, 2, (a, ev, pos) => {
  const [list, sep = ' '] = a;
  want(Array.isArray(list), ev, pos, 'join', 'a list of strings', list!);
  want(typeof sep === 'string', ev, pos, 'join', 'a string separator', sep);
  const items = list as JxValue[];
  items.forEach((s, i) => want(typeof s === 'string', ev, pos, 'join', `a string at index ${i}`, s));
  ev.step(pos, items.length);
  const out = items.join(sep as string);
  ev.grow(pos, out.length);
  return out;
});

define('len', 'len(list)', 'the number of items of a list (or characters of a string, keys of an object)', 1, 1, (a, ev, pos) => {
  const v = a[0]!;
  if (Array.isArray(v) || typeof v === 'string') return v.length;
  if (isObject(v)) return Object.keys(v).length;
  return want(false, ev, pos, 'len', 'a list, string or object', v) as never;
});

const regexCache = new Map<string, RE2JS>();
define('like', 'like(string, regex)', 'whether the string contains a match of the regular expression (RE2 syntax: linear time)', 2, 2, (a, ev, pos) => {
  const [s, re] = a;
  want(typeof s === 'string', ev, pos, 'like', 'a string to match', s!);
  want(typeof re === 'string', ev, pos, 'like', 'a regular expression string', re!);
  let compiled = regexCache.get(re as string);
  if (!compiled) {
    try {
      compiled = RE2JS.compile(re as string);
    } catch (err) {
      return ev.fail(pos, `invalid arguments: like cannot compile the regular expression ${JSON.stringify(re)}: ${(err as Error).message}`);
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(re as string, compiled);
  }
  ev.step(pos, (s as string).length);
  return compiled.matcher(s as string).find();
});

/** select/where/project: the list evaluated, the expression kept for each object. */
function query(name: string, usage: string, help: string, keep: boolean): void {
  FUNCTIONS.set(name, {
    name, usage, help,
    call(args, ev, scope, pos) {
      checkCount(name, usage, args.length, 2, 2, ev, pos);
      const list = ev.eval(args[0]!, scope);
      want(Array.isArray(list), ev, pos, name, 'a list of objects', list);
      const expr = args[1]!;
      const out: JxValue[] = [];
      for (const item of list as JxValue[]) {
        ev.step(pos);
        want(isObject(item), ev, pos, name, 'objects in the list', item);
        const v = ev.eval(expr, new Scope(scope, item as JxObject));
        if (keep) {
          if (typeof v !== 'boolean') ev.fail(expr.pos, `invalid arguments: ${name} expected a boolean condition, got ${describeValue(v)}`);
          if (v) { ev.grow(pos, 1); out.push(item); }
        } else {
          ev.grow(pos, 1);
          out.push(v);
        }
      }
      return out;
    },
  });
}
query('select', 'select(list, condition)', 'the objects of the list for which the condition (with the object\'s fields as symbols) is true', true);
query('where', 'where(list, condition)', 'the same as select', true);
query('project', 'project(list, expression)', 'the expression evaluated with each object\'s fields as symbols', false);

define('keys', 'keys(object)', 'the keys of an object', 1, 1, (a, ev, pos) => {
  want(isObject(a[0]), ev, pos, 'keys', 'an object', a[0]!);
  const out = Object.keys(a[0] as JxObject);
  ev.grow(pos, out.length);
  return out;
});
define('values', 'values(object)', 'the values of an object', 1, 1, (a, ev, pos) => {
  want(isObject(a[0]), ev, pos, 'values', 'an object', a[0]!);
  const out = Object.values(a[0] as JxObject);
  ev.grow(pos, out.length);
  return out;
});
define('items', 'items(object)', 'the [key, value] pairs of an object', 1, 1, (a, ev, pos) => {
  want(isObject(a[0]), ev, pos, 'items', 'an object', a[0]!);
  const out = Object.entries(a[0] as JxObject).map(([k, v]) => [k, v]);
  ev.grow(pos, out.length * 3);
  return out;
});

function extreme(name: 'min' | 'max'): void {
  define(name, `${name}(list) or ${name}(a, b, ...)`, `the ${name === 'min' ? 'smallest' : 'largest'} of numbers or of strings (null for an empty list)`, 1, Infinity, (a, ev, pos) => {
    const items = a.length === 1 && Array.isArray(a[0]) ? a[0] : a;
    ev.step(pos, items.length);
    let best: JxValue = null;
    for (const v of items) {
      want(typeof v === 'number' || typeof v === 'string', ev, pos, name, 'numbers or strings', v);
      if (best === null) { best = v; continue; }
      if (typeof v !== typeof best) ev.fail(pos, `mismatched types: ${name} compares numbers or strings, not both (${describeValue(best)} and ${describeValue(v)})`);
      if (name === 'min' ? (v as number) < (best as number) : (v as number) > (best as number)) best = v;
    }
    return best;
  });
}
extreme('min');
extreme('max');

define('ceil', 'ceil(number)', 'the smallest integer not below the number', 1, 1, (a, ev, pos) => {
  want(typeof a[0] === 'number', ev, pos, 'ceil', 'a number', a[0]!);
  return Math.ceil(a[0] as number);
});
define('floor', 'floor(number)', 'the largest integer not above the number', 1, 1, (a, ev, pos) => {
  want(typeof a[0] === 'number', ev, pos, 'floor', 'a number', a[0]!);
  return Math.floor(a[0] as number);
});
define('basename', 'basename(path[, suffix])', 'the last part of a path, without the suffix if given', 1, 2, (a, ev, pos) => {
  want(typeof a[0] === 'string', ev, pos, 'basename', 'a path string', a[0]!);
  if (a.length > 1) want(typeof a[1] === 'string', ev, pos, 'basename', 'a suffix string', a[1]!);
  return posix.basename(a[0] as string, a[1] as string | undefined);
});
define('dirname', 'dirname(path)', 'a path without its last part', 1, 1, (a, ev, pos) => {
  want(typeof a[0] === 'string', ev, pos, 'dirname', 'a path string', a[0]!);
  return posix.dirname(a[0] as string);
});
define('str', 'str(value)', 'a value as a string (strings unchanged, others as JX text)', 1, 1, (a, ev, pos) => {
  const s = typeof a[0] === 'string' ? a[0] : jxToString(a[0]);
  ev.grow(pos, s.length);
  return s;
});
define('schema', 'schema(object)', 'the type of each key of an object', 1, 1, (a, ev, pos) => {
  want(isObject(a[0]), ev, pos, 'schema', 'an object', a[0]!);
  const out = newObject();
  for (const [k, v] of Object.entries(a[0] as JxObject)) out[k] = typeOf(v);
  return out;
});
define('sum', 'sum(list)', 'the sum of a list of numbers', 1, 1, (a, ev, pos) => {
  want(Array.isArray(a[0]), ev, pos, 'sum', 'a list of numbers', a[0]!);
  ev.step(pos, (a[0] as JxValue[]).length);
  let total = 0;
  for (const v of a[0] as JxValue[]) { want(typeof v === 'number', ev, pos, 'sum', 'numbers', v); total += v as number; }
  return total;
});
define('template', 'template(string[, object])', 'the string with each {NAME} replaced by the symbol NAME (from the object, then the context)', 1, 2, (a, ev, pos, scope) => {
  want(typeof a[0] === 'string', ev, pos, 'template', 'a template string', a[0]!);
  if (a.length > 1) want(isObject(a[1]), ev, pos, 'template', 'an object of names', a[1]!);
  const inner = a.length > 1 ? new Scope(scope, a[1] as JxObject) : scope;
  const out = (a[0] as string).replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = inner.lookup(name);
    if (v === undefined) ev.fail(pos, `undefined symbol ${name} in the template`);
    return typeof v === 'string' ? v : jxToString(v);
  });
  ev.grow(pos, out.length);
  return out;
});
