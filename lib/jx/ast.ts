// The JX syntax tree. Every node keeps the position of its first character, for error messages.
import type { JxPosition } from './errors.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export interface ForClause { name: string; iterable: JxNode; condition: JxNode | null; pos: JxPosition }

export type JxNode =
  | { kind: 'literal'; value: null | boolean | number | string; pos: JxPosition }
  | { kind: 'symbol'; name: string; pos: JxPosition }
  | { kind: 'list'; items: { value: JxNode; clauses: ForClause[] }[]; pos: JxPosition }
  | { kind: 'object'; entries: { key: JxNode; value: JxNode }[]; pos: JxPosition }
  | { kind: 'unary'; op: '-' | '+' | 'not'; operand: JxNode; pos: JxPosition }
  | { kind: 'binary'; op: BinaryOp; left: JxNode; right: JxNode; pos: JxPosition }
  | { kind: 'index'; target: JxNode; index: JxNode; pos: JxPosition }
  | { kind: 'slice'; target: JxNode; start: JxNode | null; end: JxNode | null; pos: JxPosition }
  /** `target.name` without parentheses: the field `name` of an object (a Trellis extension). */
  | { kind: 'field'; target: JxNode; name: string; pos: JxPosition }
  /** `f(a, b)` and `a.f(b)` alike: the dot puts the value before it first. */
  | { kind: 'call'; name: string; args: JxNode[]; pos: JxPosition };
