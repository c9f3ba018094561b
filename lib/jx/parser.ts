// Recursive-descent JX parser. Precedence, loosest first: or, and, not, comparisons, + -, * / %, unary - +,
// then postfix lookups, slices, calls and the dot. Nesting is bounded so hostile text cannot overflow the stack.
import type { BinaryOp, ForClause, JxNode } from './ast.js';
import { JxError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

export interface ParseLimits {
  /** Longest accepted expression text, in characters. Default 65536. */
  maxLength?: number;
  /** Deepest accepted nesting of brackets and operators. Default 200. */
  maxDepth?: number;
}

export function parseJx(source: string, limits: ParseLimits = {}): JxNode {
  const maxLength = limits.maxLength ?? 65536;
  if (source.length > maxLength) {
    throw withSource(new JxError('limit', `expected an expression of at most ${maxLength} characters, got ${source.length}`, null), source);
  }
  try {
    const p = new Parser(tokenize(source), limits.maxDepth ?? 200);
    const node = p.expression();
    p.expectEnd();
    return node;
  } catch (err) {
    if (err instanceof JxError) throw withSource(err, source);
    throw err;
  }
}

function withSource(err: JxError, source: string): JxError {
  err.source = source;
  return err;
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[], private readonly maxDepth: number) {}

  private get tok(): Token { return this.tokens[this.i]!; }
  private next(): Token { return this.tokens[this.i++]!; }
  private isOp(text: string): boolean { return this.tok.kind === 'op' && this.tok.text === text; }
  private isKeyword(text: string): boolean { return this.tok.kind === 'keyword' && this.tok.text === text; }

  private fail(expected: string, tok: Token = this.tok): never {
    throw new JxError('parse', `expected ${expected}, got ${describe(tok)}`, tok.pos, tok.kind === 'end');
  }

  private expectOp(text: string, what: string): Token {
    if (!this.isOp(text)) this.fail(what);
    return this.next();
  }

  expectEnd(): void {
    if (this.tok.kind !== 'end') this.fail('an operator or the end of the expression');
  }

  private enter(tok: Token): void {
    if (++this.depth > this.maxDepth) throw new JxError('limit', `expected at most ${this.maxDepth} levels of nesting`, tok.pos);
  }

  expression(): JxNode {
    this.enter(this.tok);
    try { return this.or(); } finally { this.depth--; }
  }

  private or(): JxNode {
    let left = this.and();
    while (this.isKeyword('or')) {
      const op = this.next();
      left = { kind: 'binary', op: 'or', left, right: this.and(), pos: op.pos };
    }
    return left;
  }

  private and(): JxNode {
    let left = this.not();
    while (this.isKeyword('and')) {
      const op = this.next();
      left = { kind: 'binary', op: 'and', left, right: this.not(), pos: op.pos };
    }
    return left;
  }

  private not(): JxNode {
    if (this.isKeyword('not')) {
      const op = this.next();
      this.enter(op);
      try { return { kind: 'unary', op: 'not', operand: this.not(), pos: op.pos }; } finally { this.depth--; }
    }
    return this.comparison();
  }

  private comparison(): JxNode {
    let left = this.additive();
    while (this.tok.kind === 'op' && COMPARISONS.has(this.tok.text)) {
      const op = this.next();
      left = { kind: 'binary', op: op.text as BinaryOp, left, right: this.additive(), pos: op.pos };
    }
    return left;
  }

  private additive(): JxNode {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      left = { kind: 'binary', op: op.text as BinaryOp, left, right: this.multiplicative(), pos: op.pos };
    }
    return left;
  }

  private multiplicative(): JxNode {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next();
      left = { kind: 'binary', op: op.text as BinaryOp, left, right: this.unary(), pos: op.pos };
    }
    return left;
  }

  private unary(): JxNode {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next();
      this.enter(op);
      try {
        const operand = this.unary();
        // Fold a signed number literal so "-1" is a constant (and -9223... style limits read naturally).
        if (op.text === '-' && operand.kind === 'literal' && typeof operand.value === 'number') {
          return { kind: 'literal', value: -operand.value, pos: op.pos };
        }
        return { kind: 'unary', op: op.text as '-' | '+', operand, pos: op.pos };
      } finally { this.depth--; }
    }
    return this.postfix();
  }

  private postfix(): JxNode {
    let node = this.primary();
    for (;;) {
      if (this.isOp('[')) {
        const open = this.next();
        node = this.lookup(node, open);
      } else if (this.isOp('.')) {
        this.next();
        const name = this.tok;
        if (name.kind !== 'name') this.fail('a function or field name after "."');
        this.next();
        if (this.isOp('(')) {
          const args = this.arguments();
          node = { kind: 'call', name: name.text, args: [node, ...args], pos: name.pos };
        } else {
          node = { kind: 'field', target: node, name: name.text, pos: name.pos };
        }
      } else if (this.isOp('(')) {
        this.fail('an operator (only a function name can be called)');
      } else {
        return node;
      }
    }
  }

  private lookup(target: JxNode, open: Token): JxNode {
    let start: JxNode | null = null;
    if (!this.isOp(':')) start = this.expression();
    if (this.isOp(':')) {
      this.next();
      const end = this.isOp(']') ? null : this.expression();
      this.expectOp(']', '"]" to close the slice');
      return { kind: 'slice', target, start, end, pos: open.pos };
    }
    this.expectOp(']', '"]" or ":" in the lookup');
    return { kind: 'index', target, index: start!, pos: open.pos };
  }

  private arguments(): JxNode[] {
    this.expectOp('(', '"("');
    const args: JxNode[] = [];
    if (this.isOp(')')) { this.next(); return args; }
    for (;;) {
      args.push(this.expression());
      if (this.isOp(',')) { this.next(); continue; }
      this.expectOp(')', '"," or ")" in the argument list');
      return args;
    }
  }

  private primary(): JxNode {
    const tok = this.tok;
    switch (tok.kind) {
      case 'number': this.next(); return { kind: 'literal', value: tok.value!, pos: tok.pos };
      case 'string': this.next(); return { kind: 'literal', value: tok.text, pos: tok.pos };
      case 'keyword':
        if (tok.text === 'true' || tok.text === 'false') { this.next(); return { kind: 'literal', value: tok.text === 'true', pos: tok.pos }; }
        if (tok.text === 'null') { this.next(); return { kind: 'literal', value: null, pos: tok.pos }; }
        return this.fail('a value');
      case 'name':
        this.next();
        if (this.isOp('(')) return { kind: 'call', name: tok.text, args: this.arguments(), pos: tok.pos };
        return { kind: 'symbol', name: tok.text, pos: tok.pos };
      case 'op':
        if (tok.text === '(') {
          this.next();
          const inner = this.expression();
          this.expectOp(')', '")" to close the parenthesis');
          return inner;
        }
        if (tok.text === '[') return this.list();
        if (tok.text === '{') return this.object();
        return this.fail('a value');
      default:
        return this.fail('a value');
    }
  }

  private list(): JxNode {
    const open = this.next();
    this.enter(open);
    try {
      const items: { value: JxNode; clauses: ForClause[] }[] = [];
      if (this.isOp(']')) { this.next(); return { kind: 'list', items, pos: open.pos }; }
      for (;;) {
        const value = this.expression();
        const clauses: ForClause[] = [];
        while (this.isKeyword('for')) clauses.push(this.forClause());
        items.push({ value, clauses });
        if (this.isOp(',')) {
          this.next();
          if (this.isOp(']')) { this.next(); break; }
          continue;
        }
        this.expectOp(']', clauses.length ? '"," or "]" after the comprehension' : '"," or "]" in the list');
        break;
      }
      return { kind: 'list', items, pos: open.pos };
    } finally { this.depth--; }
  }

  private forClause(): ForClause {
    const forTok = this.next();
    const name = this.tok;
    if (name.kind !== 'name') this.fail('a variable name after "for"');
    this.next();
    if (!this.isKeyword('in')) this.fail('"in" after the variable of the "for"');
    this.next();
    const iterable = this.expression();
    let condition: JxNode | null = null;
    if (this.isKeyword('if')) { this.next(); condition = this.expression(); }
    return { name: name.text, iterable, condition, pos: forTok.pos };
  }

  private object(): JxNode {
    const open = this.next();
    this.enter(open);
    try {
      const entries: { key: JxNode; value: JxNode }[] = [];
      if (this.isOp('}')) { this.next(); return { kind: 'object', entries, pos: open.pos }; }
      for (;;) {
        const key = this.expression();
        this.expectOp(':', '":" after the key');
        const value = this.expression();
        entries.push({ key, value });
        if (this.isOp(',')) {
          this.next();
          if (this.isOp('}')) { this.next(); break; }
          continue;
        }
        this.expectOp('}', '"," or "}" in the object');
        break;
      }
      return { kind: 'object', entries, pos: open.pos };
    } finally { this.depth--; }
  }
}

function describe(tok: Token): string {
  switch (tok.kind) {
    case 'end': return 'the end of the input';
    case 'string': return `the string ${JSON.stringify(tok.text)}`;
    case 'number': return `the number ${tok.text}`;
    case 'name': return `the name ${tok.text}`;
    case 'keyword': return `the keyword ${tok.text}`;
    default: return `"${tok.text}"`;
  }
}
