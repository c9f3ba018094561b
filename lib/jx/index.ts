// JX, the JSON expression language of CCTools: parse once, evaluate against contexts, bounded and pure.
import type { JxNode } from './ast.js';
import { JxError } from './errors.js';
import { Evaluator, Scope, type EvalLimits } from './evaluator.js';
import { parseJx, type ParseLimits } from './parser.js';
import type { JxObject, JxValue } from './values.js';

export { JxError, type JxPosition } from './errors.js';
export { parseJx, type ParseLimits } from './parser.js';
export { Evaluator, Scope, DEFAULT_LIMITS, type EvalLimits } from './evaluator.js';
export { FUNCTIONS } from './functions.js';
export { jxToString, jxEqual, typeOf, type JxValue, type JxObject } from './values.js';
export type { JxNode } from './ast.js';

/** Evaluates a parsed expression against a context. Errors carry the source text when given. */
export function evaluateNode(node: JxNode, context: JxObject | null, limits: EvalLimits = {}, source?: string): JxValue {
  try {
    return new Evaluator(limits).eval(node, Scope.of(context));
  } catch (err) {
    if (err instanceof JxError && source !== undefined) err.source = source;
    throw err;
  }
}

/** Parses and evaluates a JX expression; throws JxError (kind parse, eval or limit) with a position. */
export function evaluateJx(source: string, context: JxObject | null = null, limits: EvalLimits & ParseLimits = {}): JxValue {
  return evaluateNode(parseJx(source, limits), context, limits, source);
}

/**
 * A compiled filter: the records for which the condition is true. A record on which the condition fails (a
 * missing field, a type mismatch) does not match, as in catalog queries; a limit error stops the whole query.
 */
export function compileFilter(source: string, limits: EvalLimits & ParseLimits = {}): (records: JxObject[]) => JxObject[] {
  const node = parseJx(source, limits);
  return (records) => {
    const ev = new Evaluator(limits);
    const out: JxObject[] = [];
    for (const r of records) {
      let v: JxValue;
      try {
        v = ev.eval(node, Scope.of(r));
      } catch (err) {
        if (err instanceof JxError && err.kind !== 'limit') continue;
        if (err instanceof JxError) err.source = source;
        throw err;
      }
      if (v === true) out.push(r);
    }
    return out;
  };
}
