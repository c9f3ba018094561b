// Reading a trace of measured tasks: CSV with the header `task,category,cores,memory_mb,disk_mb,wall_s`,
// one row per task in completion order. Every bad row is reported as file:line with what was expected.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export const TRACE_HEADER = ['task', 'category', 'cores', 'memory_mb', 'disk_mb', 'wall_s'] as const;

export interface TraceTask {
  task: string;
  category: string;
  /** Peak cores used, memory MB, disk MB. */
  used: { cores: number; memory: number; disk: number };
  wall: number;
  /** Line in the trace file, for messages. */
  line: number;
}

export class TraceError extends Error {
  override name = 'TraceError';
}

type Row = { record: string[]; info: { lines: number } };

function number(file: string, line: number, column: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new TraceError(`${file}:${line}: column ${column} expects a number >= 0, got "${raw}"`);
  }
  return n;
}

/**
 * The rows of a file without quotes, one at a time: split on newlines and commas, as csv-parse would with
 * these options but without its per-field work and without holding every row, which dominate on traces of
 * millions of rows.
 */
function* plainRows(text: string): Generator<Row> {
  let line = 0;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    at = end + 1;
    if (raw.trim() === '') continue;
    yield { record: raw.split(',').map((f) => f.trim()), info: { lines: line } };
  }
}

/** Parses trace text; `file` names it in messages. */
export function parseTrace(text: string, file: string): TraceTask[] {
  let rows: Iterator<Row>;
  try {
    rows = text.includes('"')
      ? (parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as Row[])[Symbol.iterator]()
      : plainRows(text);
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new TraceError(`${file}:${e.lines ?? '?'}: not valid CSV: ${e.message}`);
  }
  const first = rows.next();
  if (first.done) throw new TraceError(`${file}:1: expected the header ${TRACE_HEADER.join(',')}, got an empty file`);
  const header = first.value.record;
  if (header.join(',') !== TRACE_HEADER.join(',')) {
    throw new TraceError(`${file}:${first.value.info.lines}: expected the header ${TRACE_HEADER.join(',')}, got ${header.join(',')}`);
  }
  const seen = new Map<string, number>();
  // One string per category, not one per row.
  const categories = new Map<string, string>();
  const tasks: TraceTask[] = [];
  for (let row = rows.next(); !row.done; row = rows.next()) {
    const { record, info } = row.value;
    const line = info.lines;
    if (record.length !== TRACE_HEADER.length) {
      throw new TraceError(`${file}:${line}: expected ${TRACE_HEADER.length} columns (${TRACE_HEADER.join(',')}), got ${record.length}`);
    }
    const [task, name, cores, memory, disk, wall] = record;
    if (!task) throw new TraceError(`${file}:${line}: column task expects a name, got nothing`);
    if (!name) throw new TraceError(`${file}:${line}: column category expects a name, got nothing`);
    const before = seen.get(task);
    if (before !== undefined) throw new TraceError(`${file}:${line}: expected one row per task, got task "${task}" again (first on line ${before})`);
    seen.set(task, line);
    let category = categories.get(name);
    if (category === undefined) categories.set(name, (category = name));
    tasks.push({
      task, category, line,
      used: { cores: number(file, line, 'cores', cores), memory: number(file, line, 'memory_mb', memory), disk: number(file, line, 'disk_mb', disk) },
      wall: number(file, line, 'wall_s', wall),
    });
  }
  if (tasks.length === 0) throw new TraceError(`${file}: expected at least one task after the header, got none`);
  return tasks;
}

export function readTrace(file: string): TraceTask[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TraceError(`--trace: cannot read "${file}": ${(err as Error).message}`);
  }
  return parseTrace(text, file);
}
