// JX tokens: JSON literals, names, keywords, operators and punctuation; `#` starts a comment to the end of the line.
import { JxError, positionAt, type JxPosition } from './errors.js';

export type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text for names, keywords and operators; the decoded value for strings; the literal text for numbers. */
  text: string;
  /** For numbers: the value. */
  value?: number;
  pos: JxPosition;
}

export const KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'for', 'in', 'if']);
const TWO_CHAR = new Set(['==', '!=', '<=', '>=']);
const ONE_CHAR = new Set(['+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.']);
const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // Positions are computed incrementally: tokens come in order.
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  const at = (offset: number): JxPosition => {
    for (; scanned < offset; scanned++) {
      if (source.charCodeAt(scanned) === 10) { line++; lineStart = scanned + 1; }
    }
    return { offset, line, col: offset - lineStart + 1 };
  };
  const fail = (message: string, offset: number, atEnd = false): never => {
    throw new JxError('parse', message, positionAt(source, offset), atEnd);
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < source.length && source[i] !== '\n') i++; continue; }
    const start = i;
    if (c >= '0' && c <= '9') {
      while (i < source.length && isDigit(source[i]!)) i++;
      if (source[i] === '.' && isDigit(source[i + 1] ?? '')) { i++; while (isDigit(source[i] ?? '')) i++; }
      if (source[i] === 'e' || source[i] === 'E') {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (!isDigit(source[j] ?? '')) fail(`expected digits after the exponent of a number, got ${describe(source, j)}`, j, j >= source.length);
        i = j;
        while (isDigit(source[i] ?? '')) i++;
      }
      if (isNameChar(source[i] ?? '')) fail(`expected an operator after the number ${source.slice(start, i)}, got "${source[i]}"`, i);
      const text = source.slice(start, i);
      tokens.push({ kind: 'number', text, value: Number(text), pos: at(start) });
      continue;
    }
    if (isNameStart(c)) {
      while (i < source.length && isNameChar(source[i]!)) i++;
      const text = source.slice(start, i);
      tokens.push({ kind: KEYWORDS.has(text) ? 'keyword' : 'name', text, pos: at(start) });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let out = '';
      for (;;) {
        if (i >= source.length) fail(`expected the closing ${c} of the string that starts here`, start, true);
        const d = source[i]!;
        if (d === c) { i++; break; }
        if (d === '\n') fail(`expected the closing ${c} of the string before the end of the line`, start);
        if (d === '\\') {
          const e = source[i + 1];
          if (e === undefined) fail('expected an escaped character after \\', i, true);
          if (e === 'u') {
            const hex = source.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(`expected four hex digits after \\u, got "${hex}"`, i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          const r = ESCAPES[e!];
          if (r === undefined) fail(`expected one of \\" \\' \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, got \\${e}`, i);
          out += r;
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      tokens.push({ kind: 'string', text: out, pos: at(start) });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR.has(two)) { tokens.push({ kind: 'op', text: two, pos: at(start) }); i += 2; continue; }
    if (ONE_CHAR.has(c)) { tokens.push({ kind: 'op', text: c, pos: at(start) }); i++; continue; }
    if (c === '=') fail('expected == for comparison, got = (JX has no assignment)', i);
    if (c === '!') fail('expected != or the keyword not, got !', i);
    if (c === '&' || c === '|') fail(`expected the keyword ${c === '&' ? 'and' : 'or'}, got ${c}`, i);
    fail(`unexpected character "${c}"`, i);
  }
  tokens.push({ kind: 'end', text: '', pos: at(source.length) });
  return tokens;
}

function isDigit(c: string): boolean { return c >= '0' && c <= '9'; }
function isNameStart(c: string): boolean { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'; }
function isNameChar(c: string): boolean { return isNameStart(c) || isDigit(c); }
function describe(source: string, i: number): string { return i >= source.length ? 'the end of the input' : `"${source[i]}"`; }
