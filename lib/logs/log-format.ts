// The first line of every Trellis log: says what the file is, so readers can refuse anything else.
export const LOG_MAGIC = 'trellis-log';
export const LOG_VERSION = 1;

export type LogKind = 'transactions' | 'performance';

export interface LogHeader {
  type: typeof LOG_MAGIC;
  log: LogKind;
  version: number;
  /** Epoch seconds when the log was opened. */
  time: number;
  manager: string;
}

export function makeHeader(log: LogKind, manager: string): LogHeader {
  return { type: LOG_MAGIC, log, version: LOG_VERSION, time: Date.now() / 1000, manager };
}

/** Returns a description of why `value` is not a header we can read, or null if it is one. */
export function headerProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || (value as { type?: unknown }).type !== LOG_MAGIC) {
    return `expected its first line to be a JSON header {"type":"${LOG_MAGIC}",...}`;
  }
  const h = value as Partial<LogHeader>;
  if (h.log !== 'transactions' && h.log !== 'performance') {
    return `expected the header's "log" to be "transactions" or "performance", got ${JSON.stringify(h.log)}`;
  }
  if (h.version !== LOG_VERSION) {
    return `expected log format version ${LOG_VERSION}, got ${JSON.stringify(h.version)} (written by another Trellis version)`;
  }
  if (typeof h.time !== 'number') return `expected the header's "time" to be epoch seconds, got ${JSON.stringify(h.time)}`;
  return null;
}
