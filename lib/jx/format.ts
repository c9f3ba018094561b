// printf-style formatting for JX's format(): %s %d %i %f %F %e %E %g %G %%, with flags (- 0 + space), width
// and precision. A %f without a precision prints the number as it is (9.1, not 9.100000), so
// "ceil(%f) -> %d".format(9.1, 10) is "ceil(9.1) -> 10".
import { jxToString, type JxValue, describeValue } from './values.js';

const SPEC = /%([-0+ ]*)(\d+)?(?:\.(\d+))?([sdifFeEgG%])/g;

/** Formats; throws an Error with a plain message on a bad specifier or a missing or wrong argument. */
export function formatJx(spec: string, args: JxValue[]): string {
  let next = 0;
  let out = '';
  let last = 0;
  SPEC.lastIndex = 0;
  for (let m = SPEC.exec(spec); m; m = SPEC.exec(spec)) {
    out += checkLiteral(spec.slice(last, m.index), last);
    last = SPEC.lastIndex;
    const [, flags = '', width, precision, conv] = m;
    if (Number(width ?? 0) > 1000 || Number(precision ?? 0) > 1000) throw new Error(`format: expected a width and precision of at most 1000 in ${m[0]}`);
    if (conv === '%') { out += '%'; continue; }
    if (next >= args.length) throw new Error(`format: the specifier ${m[0]} at offset ${m.index} has no argument (${args.length} given)`);
    const arg = args[next++]!;
    let body: string;
    if (conv === 's') {
      body = typeof arg === 'string' ? arg : jxToString(arg);
      if (precision !== undefined) body = body.slice(0, Number(precision));
    } else {
      if (typeof arg !== 'number') throw new Error(`format: ${m[0]} needs a number, got ${describeValue(arg)} (argument ${next + 1})`);
      body = number(arg, conv!, precision === undefined ? undefined : Number(precision));
      if (arg >= 0 && flags.includes('+')) body = '+' + body;
      else if (arg >= 0 && flags.includes(' ')) body = ' ' + body;
    }
    out += pad(body, width === undefined ? 0 : Number(width), flags.includes('-'), flags.includes('0') && conv !== 's');
  }
  out += checkLiteral(spec.slice(last), last);
  if (next < args.length) throw new Error(`format: ${args.length} arguments given but the format uses ${next}`);
  return out;
}

function checkLiteral(text: string, offset: number): string {
  const i = text.indexOf('%');
  if (i >= 0) throw new Error(`format: expected a specifier (%s %d %i %f %e %g %%) at offset ${offset + i}, got "${text.slice(i, i + 3)}"`);
  return text;
}

function number(v: number, conv: string, precision: number | undefined): string {
  switch (conv) {
    case 'd': case 'i': return String(Math.trunc(v));
    case 'f': case 'F': return precision === undefined ? String(v) : v.toFixed(Math.min(precision, 100));
    case 'e': case 'E': {
      const s = cExponent(v.toExponential(Math.min(precision ?? 6, 100)));
      return conv === 'E' ? s.toUpperCase() : s;
    }
    default: {
      const p = Math.min(precision ?? 6, 100) || 1;
      const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
      let s = exp < -4 || exp >= p ? cExponent(v.toExponential(p - 1)) : v.toFixed(Math.max(0, p - 1 - exp));
      // %g drops trailing zeros.
      const [mantissa, exponent] = s.split('e') as [string, string | undefined];
      s = (mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa) + (exponent === undefined ? '' : 'e' + exponent);
      return conv === 'G' ? s.toUpperCase() : s;
    }
  }
}

/** JavaScript writes 1e+1; C writes 1e+01. */
function cExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}
