// A JX option checked when it is given, so a typo is reported with its line, column and a caret before
// anything is asked of a manager or a catalog.
import { InvalidArgumentError } from 'commander';
import { JxError, parseJx } from '../lib/jx/index.js';

export function jxOption(name: string) {
  return (raw: string): string => {
    try { parseJx(raw); } catch (err) {
      throw new InvalidArgumentError(`${name} expects a JX expression: ${err instanceof JxError ? err.display() : (err as Error).message}`);
    }
    return raw;
  };
}
