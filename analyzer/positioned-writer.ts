// Builds source text that keeps each copied piece at its original line and column, so
// positions esbuild reports in the synthesized entry are positions in the user's file.

export interface Position {
  line: number; // 1-based, as acorn reports
  column: number; // 0-based, as acorn reports
}

const LINE_BREAK = /\r\n?|\n|\u2028|\u2029/g;

export class PositionedWriter {
  private chunks: string[] = [];
  private line = 1;
  private column = 0;

  /** Pads with newlines and spaces up to `pos`; if already past it, starts a new line. */
  moveTo(pos: Position): void {
    if (!this.padTo(pos)) this.write('\n');
  }

  /** Pads up to `pos` if it is still ahead; returns false (writing nothing) if already past it. */
  padTo(pos: Position): boolean {
    if (pos.line < this.line || (pos.line === this.line && pos.column < this.column)) return false;
    if (pos.line > this.line) {
      this.chunks.push('\n'.repeat(pos.line - this.line));
      this.line = pos.line;
      this.column = 0;
    }
    if (pos.column > this.column) {
      this.chunks.push(' '.repeat(pos.column - this.column));
      this.column = pos.column;
    }
    return true;
  }

  write(text: string): void {
    this.chunks.push(text);
    let lastBreakEnd = -1;
    for (const m of text.matchAll(LINE_BREAK)) {
      this.line++;
      lastBreakEnd = m.index + m[0].length;
    }
    this.column = lastBreakEnd < 0 ? this.column + text.length : text.length - lastBreakEnd;
  }

  writeAt(pos: Position, text: string): void {
    this.moveTo(pos);
    this.write(text);
  }

  toString(): string {
    return this.chunks.join('');
  }
}
