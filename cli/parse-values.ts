// Parsers for command-line values: each says which option, what it expected and what it got.
import { InvalidArgumentError } from 'commander';

export function nonNegative(what: string, integer = false) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${what} expects ${integer ? 'an integer' : 'a number'} >= 0, got "${raw}"`);
    }
    return n;
  };
}

export function positive(what: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} expects a number > 0, got "${raw}"`);
    return n;
  };
}

export function hostPort(raw: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`expected HOST:PORT (e.g. 127.0.0.1:9123), got "${raw}"`);
  }
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}
