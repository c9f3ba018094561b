// Reads a password file: its first line, without the newline. A missing or empty file is an error.
import { readFileSync } from 'node:fs';

export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`--password-file: cannot read "${path}": ${(err as Error).message}`);
  }
  const password = text.split(/\r?\n/)[0];
  if (!password) throw new Error(`--password-file: "${path}" is empty; expected the password on its first line`);
  return password;
}
