// Reads a Trellis log line by line (never the whole file at once) and hands each record to a callback, so a
// log of millions of events is aggregated in bounded memory.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { headerProblem, type LogHeader } from './log-format.js';

export class LogFormatError extends Error {
  code = 'TRELLIS_BAD_LOG';
  constructor(message: string) {
    super(message);
    this.name = 'LogFormatError';
  }
}

/** Calls `onRecord` for each record after the header; resolves with the header. */
export async function readLog(path: string, onRecord: (record: Record<string, unknown>) => void,
  onHeader?: (header: LogHeader) => void): Promise<LogHeader> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('it is not a regular file');
    size = st.size;
  } catch (err) {
    throw new LogFormatError(`cannot read log "${path}": ${(err as Error).message}`);
  }
  if (size === 0) throw new LogFormatError(`"${path}" is empty; expected a Trellis transaction or performance log`);
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: LogHeader | null = null;
  let n = 0;
  let badLine: { n: number; text: string; message: string } | null = null;
  try {
    for await (const text of lines) {
      n++;
      if (badLine) {
        // Only the very last line may be cut short (a log still being written, or a killed process).
        throw new LogFormatError(`"${path}" line ${badLine.n} is not a JSON record (${badLine.message}): ${clip(badLine.text)}`);
      }
      if (text === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        if (!header) throw new LogFormatError(`"${path}" is not a Trellis log: expected its first line to be JSON, got ${clip(text)}`);
        badLine = { n, text, message: (err as Error).message };
        continue;
      }
      if (!header) {
        const problem = headerProblem(value);
        if (problem) throw new LogFormatError(`"${path}" is not a Trellis log: ${problem}, got ${clip(text)}`);
        header = value as LogHeader;
        onHeader?.(header);
        continue;
      }
      if (value === null || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
        throw new LogFormatError(`"${path}" line ${n}: expected a JSON object with a string "type", got ${clip(text)}`);
      }
      onRecord(value as Record<string, unknown>);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (!header) throw new LogFormatError(`"${path}" has no header; expected a Trellis transaction or performance log`);
  return header;
}

/** Reads and checks only a log's first line (a log may be gigabytes; its header says what it is). */
export async function readLogHeader(path: string): Promise<LogHeader> {
  let header: LogHeader | null = null;
  const found = new Error('header found');
  try {
    await readLog(path, () => { throw found; }, (h) => { header = h; });
  } catch (err) {
    if (err !== found) throw err;
  }
  return header!;
}

function clip(text: string): string {
  const t = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(t);
}
