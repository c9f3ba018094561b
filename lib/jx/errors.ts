// JX errors: every parse and evaluation error carries the position of the text it is about, so a caller can
// print the line and a caret under the column.

export interface JxPosition {
  /** 0-based offset into the source text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
}

export class JxError extends Error {
  override name = 'JxError';
  /** 'parse' for malformed text, 'eval' for a misapplied operator or function, 'limit' when a bound is hit. */
  readonly kind: 'parse' | 'eval' | 'limit';
  readonly pos: JxPosition | null;
  /** The whole expression text, when known (for the caret display). */
  source: string | null = null;
  /** True when a parse error is only that the text ended early (an open bracket): more input may complete it. */
  readonly atEnd: boolean;

  constructor(kind: 'parse' | 'eval' | 'limit', message: string, pos: JxPosition | null, atEnd = false) {
    super(message);
    this.kind = kind;
    this.pos = pos;
    this.atEnd = atEnd;
  }

  /** "line:col: message" (or just the message when the position is unknown). */
  get located(): string {
    return this.pos ? `${this.pos.line}:${this.pos.col}: ${this.message}` : this.message;
  }

  /** The located message, then the offending source line and a caret under the column. */
  display(): string {
    if (!this.pos || this.source === null) return this.located;
    const lines = this.source.split('\n');
    const text = lines[this.pos.line - 1] ?? '';
    return `${this.located}\n  ${text}\n  ${' '.repeat(Math.max(0, this.pos.col - 1))}^`;
  }
}

/** The position of an offset in a text. */
export function positionAt(source: string, offset: number): JxPosition {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) { line++; start = i + 1; }
  }
  return { offset, line, col: offset - start + 1 };
}
