// Evaluates a JX tree against a context. Pure (no I/O) and bounded: every node evaluated and every item a
// function walks costs a step, every list item and string character made counts towards the size, and going
// over either bound stops the evaluation with a 'limit' error.
import type { BinaryOp, ForClause, JxNode } from './ast.js';
import { JxError, type JxPosition } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { Scope } from './scope.js';

export { Scope };
import { describeValue, getKey, isObject, jxEqual, jxToString, newObject, typeOf, type JxValue } from './values.js';

export interface EvalLimits {
  /** Most nodes evaluated and items walked by functions, in all. Default 10,000,000. */
  maxSteps?: number;
  /** Most list items and string characters made, in all. Default 10,000,000. */
  maxSize?: number;
}

export const DEFAULT_LIMITS: Required<EvalLimits> = { maxSteps: 10_000_000, maxSize: 10_000_000 };


export class Evaluator {
  steps = 0;
  size = 0;
  readonly maxSteps: number;
  readonly maxSize: number;

  constructor(limits: EvalLimits = {}) {
    this.maxSteps = limits.maxSteps ?? DEFAULT_LIMITS.maxSteps;
    this.maxSize = limits.maxSize ?? DEFAULT_LIMITS.maxSize;
  }

  step(pos: JxPosition, n = 1): void {
    this.steps += n;
    if (this.steps > this.maxSteps) {
      throw new JxError('limit', `evaluation stopped: it took more than ${this.maxSteps} steps (the step limit)`, pos);
    }
  }

  /** Counts n new list items or string characters before they are made. */
  grow(pos: JxPosition, n: number): void {
    this.size += n;
    if (this.size > this.maxSize) {
      throw new JxError('limit', `evaluation stopped: it made more than ${this.maxSize} list items and string characters (the size limit)`, pos);
    }
  }

  fail(pos: JxPosition, message: string): never {
    throw new JxError('eval', message, pos);
  }

  eval(node: JxNode, scope: Scope): JxValue {
    this.step(node.pos);
    switch (node.kind) {
      case 'literal':
        if (typeof node.value === 'string') this.grow(node.pos, node.value.length);
        return node.value;
      case 'symbol': {
        const v = scope.lookup(node.name);
        if (v === undefined) this.fail(node.pos, `undefined symbol ${node.name}`);
        return v;
      }
      case 'list': return this.list(node.items, scope, node.pos);
      case 'object': {
        const out = newObject();
        for (const e of node.entries) {
          const key = this.eval(e.key, scope);
          if (typeof key !== 'string') this.fail(e.key.pos, `expected a string as an object key, got ${describeValue(key)}`);
          out[key] = this.eval(e.value, scope);
        }
        return out;
      }
      case 'unary': return this.unary(node.op, this.eval(node.operand, scope), node.pos);
      case 'binary': return this.binary(node.op, node.left, node.right, scope, node.pos);
      case 'index': return this.index(this.eval(node.target, scope), this.eval(node.index, scope), node.pos);
      case 'slice': {
        const target = this.eval(node.target, scope);
        const start = node.start ? this.eval(node.start, scope) : null;
        const end = node.end ? this.eval(node.end, scope) : null;
        return this.slice(target, start, end, node.pos);
      }
      case 'field': {
        const target = this.eval(node.target, scope);
        if (!isObject(target)) this.fail(node.pos, `expected an object before .${node.name}, got ${describeValue(target)} (to call a function, write .${node.name}(...))`);
        const v = getKey(target, node.name);
        if (v === undefined) this.fail(node.pos, `key not found: the object has no key "${node.name}"`);
        return v;
      }
      case 'call': {
        const fn = FUNCTIONS.get(node.name);
        if (!fn) this.fail(node.pos, `undefined function ${node.name} (the functions are: ${[...FUNCTIONS.keys()].join(', ')})`);
        return fn.call(node.args, this, scope, node.pos);
      }
    }
  }

  private list(items: { value: JxNode; clauses: ForClause[] }[], scope: Scope, pos: JxPosition): JxValue[] {
    const out: JxValue[] = [];
    for (const item of items) {
      if (item.clauses.length === 0) {
        this.grow(pos, 1);
        out.push(this.eval(item.value, scope));
      } else {
        this.comprehend(item.value, item.clauses, 0, scope, out);
      }
    }
    return out;
  }

  private comprehend(value: JxNode, clauses: ForClause[], k: number, scope: Scope, out: JxValue[]): void {
    if (k === clauses.length) {
      this.grow(value.pos, 1);
      out.push(this.eval(value, scope));
      return;
    }
    const clause = clauses[k]!;
    const list = this.eval(clause.iterable, scope);
    if (!Array.isArray(list)) this.fail(clause.iterable.pos, `expected a list after "in", got ${describeValue(list)}`);
    for (const item of list) {
      this.step(clause.pos);
      const inner = new Scope(scope, null, clause.name, item);
      if (clause.condition) {
        const keep = this.eval(clause.condition, inner);
        if (typeof keep !== 'boolean') this.fail(clause.condition.pos, `expected a boolean after "if", got ${describeValue(keep)}`);
        if (!keep) continue;
      }
      this.comprehend(value, clauses, k + 1, inner, out);
    }
  }

  private unary(op: '-' | '+' | 'not', v: JxValue, pos: JxPosition): JxValue {
    if (op === 'not') {
      if (typeof v !== 'boolean') this.fail(pos, `expected a boolean after not, got ${describeValue(v)}`);
      return !v;
    }
    if (typeof v === 'number') return op === '-' ? -v : v;
    if (op === '+' && typeof v === 'string') return v;
    return this.fail(pos, `unsupported operator: unary ${op} needs a number, got ${describeValue(v)}`);
  }

  private binary(op: BinaryOp, leftNode: JxNode, rightNode: JxNode, scope: Scope, pos: JxPosition): JxValue {
    if (op === 'and' || op === 'or') {
      // Short-circuit, so `x != null and x.len() > 0` is safe; both sides must still be booleans.
      const left = this.eval(leftNode, scope);
      if (typeof left !== 'boolean') this.fail(leftNode.pos, `expected a boolean on the left of ${op}, got ${describeValue(left)}`);
      if (op === 'and' ? !left : left) return left;
      const right = this.eval(rightNode, scope);
      if (typeof right !== 'boolean') this.fail(rightNode.pos, `expected a boolean on the right of ${op}, got ${describeValue(right)}`);
      return right;
    }
    const a = this.eval(leftNode, scope);
    const b = this.eval(rightNode, scope);
    switch (op) {
      case '==': return jxEqual(a, b);
      case '!=': return !jxEqual(a, b);
      case '<': case '<=': case '>': case '>=': {
        if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) {
          this.fail(pos, `mismatched types: ${op} compares two numbers or two strings, got ${describeValue(a)} and ${describeValue(b)}`);
        }
        return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
      }
      case '+': {
        if (typeof a === 'number' && typeof b === 'number') return this.finite(a + b, pos);
        if (typeof a === 'string' || typeof b === 'string') {
          // "file" + 3 + ".txt" is "file3.txt", as in JX.
          if (!isScalar(a) || !isScalar(b)) this.fail(pos, `mismatched types: + joins a string with a string, number, boolean or null, got ${describeValue(a)} and ${describeValue(b)}`);
          const sa = typeof a === 'string' ? a : jxToString(a);
          const sb = typeof b === 'string' ? b : jxToString(b);
          this.grow(pos, sa.length + sb.length);
          return sa + sb;
        }
        if (Array.isArray(a) && Array.isArray(b)) {
          this.grow(pos, a.length + b.length);
          return a.concat(b);
        }
        return this.fail(pos, `mismatched types: + adds numbers or joins strings or lists, got ${describeValue(a)} and ${describeValue(b)}`);
      }
      default: {
        if (typeof a !== 'number' || typeof b !== 'number') {
          this.fail(pos, `mismatched types: ${op} needs two numbers, got ${describeValue(a)} and ${describeValue(b)}`);
        }
        if (op === '-') return this.finite(a - b, pos);
        if (op === '*') return this.finite(a * b, pos);
        if (b === 0) this.fail(pos, `division by zero: ${jxToString(a)} ${op} 0`);
        if (op === '%') return a % b;
        const q = a / b;
        return this.finite(Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(q) : q, pos);
      }
    }
  }

  private finite(v: number, pos: JxPosition): number {
    if (!Number.isFinite(v)) this.fail(pos, 'arithmetic error: the result is too large for a number');
    return v;
  }

  index(target: JxValue, index: JxValue, pos: JxPosition): JxValue {
    if (Array.isArray(target) || typeof target === 'string') {
      if (typeof index !== 'number' || !Number.isInteger(index)) this.fail(pos, `expected an integer index into a ${typeOf(target) === 'array' ? 'list' : 'string'}, got ${describeValue(index)}`);
      const i = index < 0 ? target.length + index : index;
      if (i < 0 || i >= target.length) this.fail(pos, `range error: index ${index} is outside a ${typeOf(target) === 'array' ? 'list' : 'string'} of length ${target.length}`);
      return target[i]!;
    }
    if (isObject(target)) {
      if (typeof index !== 'string') this.fail(pos, `expected a string key into an object, got ${describeValue(index)}`);
      const v = getKey(target, index);
      if (v === undefined) this.fail(pos, `key not found: the object has no key ${JSON.stringify(index)}`);
      return v;
    }
    return this.fail(pos, `unsupported operator: [] looks into a list, string or object, got ${describeValue(target)}`);
  }

  private slice(target: JxValue, start: JxValue, end: JxValue, pos: JxPosition): JxValue {
    if (!Array.isArray(target) && typeof target !== 'string') this.fail(pos, `unsupported operator: a slice [a:b] needs a list or a string, got ${describeValue(target)}`);
    for (const [what, v] of [['start', start], ['end', end]] as const) {
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) this.fail(pos, `expected an integer or nothing as the ${what} of a slice, got ${describeValue(v)}`);
    }
    const n = target.length;
    const clamp = (v: number | null, dflt: number) => v === null ? dflt : Math.min(n, Math.max(0, v < 0 ? n + v : v));
    const s = clamp(start as number | null, 0);
    const e = clamp(end as number | null, n);
    this.grow(pos, Math.max(0, e - s));
    return target.slice(s, Math.max(s, e));
  }
}

function isScalar(v: JxValue): boolean {
  return v === null || typeof v !== 'object';
}
