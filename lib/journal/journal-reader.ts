// Reads a journal back after a restart: which tasks were submitted and not finished (to queue again), which
// finished and were not taken by the application (to hand back), the templates they use, and the journal's id.
// A line cut short by a crash (the last one, without its newline) is ignored.
import { openSync, readSync, closeSync, existsSync } from 'node:fs';
import { JOURNAL_FORMAT, type FunctionTemplate, type Header } from './journal-records.js';

export interface JournalState {
  header: Header | null;
  templates: Map<number, FunctionTemplate>;
  /** Submission lines by task id, of tasks whose result the application has not taken. */
  submitted: Map<number, string>;
  /** Result lines by task id, of results not taken. */
  results: Map<number, string>;
  maxId: number;
  maxTemplate: number;
  lines: number;
}

export function readJournal(path: string): JournalState {
  const state: JournalState = { header: null, templates: new Map(), submitted: new Map(), results: new Map(), maxId: 0, maxTemplate: 0, lines: 0 };
  if (!existsSync(path)) return state;
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
    let rest = '';
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const text = rest + chunk.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) readLine(state, line, path);
    }
  } finally {
    closeSync(fd);
  }
  return state;
}

function readLine(s: JournalState, line: string, path: string): void {
  if (line.length < 2) return;
  s.lines++;
  const kind = line[0];
  const sp = line.indexOf(' ', 2);
  const id = Number(sp < 0 ? line.slice(2) : line.slice(2, sp));
  switch (kind) {
    case 'H': {
      const h = JSON.parse(line.slice(2)) as Header;
      if (h.format !== JOURNAL_FORMAT) throw new Error(`journal ${path}: expected format ${JOURNAL_FORMAT}, got ${String(h.format)}`);
      s.header ??= h;
      return;
    }
    case 'T':
      s.templates.set(id, JSON.parse(line.slice(sp + 1)) as FunctionTemplate);
      if (id > s.maxTemplate) s.maxTemplate = id;
      return;
    case 'F':
    case 'C':
      s.submitted.set(id, line);
      if (id > s.maxId) s.maxId = id;
      return;
    case 'R':
    case 'S':
      s.results.set(id, line);
      return;
    case 'A':
      s.submitted.delete(id);
      s.results.delete(id);
      return;
    default:
      throw new Error(`journal ${path}: line ${s.lines} starts with ${JSON.stringify(kind)}; expected one of H T F C R S A`);
  }
}
