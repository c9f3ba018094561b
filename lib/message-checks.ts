// Checks on what a worker sends, so a malformed message closes that link with a precise reason instead of
// corrupting the manager's books.
import type { Announce, TaskResult } from './protocol/messages.js';

const OUTCOMES = new Set(['success', 'exception', 'max-wall-time', 'thread-crash', 'cancelled', 'output-missing',
  'input-missing', 'environment-failure', 'resource-exhaustion', 'result-too-large']);

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

export function announceProblem(a: Announce): string | null {
  const r = a.resources as unknown as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') return `announce: expected "resources" to be an object, got ${typeof r}`;
  for (const k of ['cores', 'memory', 'disk', 'gpus']) {
    if (!isCount(r[k])) return `announce: expected resources.${k} to be a number >= 0, got ${String(r[k])}`;
  }
  if (typeof a.name !== 'string') return `announce: expected "name" to be a string, got ${typeof a.name}`;
  if (a.wallTimeLeft !== null && !isCount(a.wallTimeLeft)) return `announce: expected "wallTimeLeft" to be null or a number >= 0`;
  if (a.held !== undefined) {
    const h = a.held as { journal?: unknown; ids?: unknown } | null;
    if (!h || typeof h !== 'object' || typeof h.journal !== 'string' || !Array.isArray(h.ids) || !h.ids.every((i) => Number.isInteger(i))) {
      return 'announce: expected "held" to be { journal: string, ids: integer[] }';
    }
  }
  return null;
}

export function resultProblem(r: TaskResult): string | null {
  if (!Number.isInteger(r.id)) return `result: expected an integer "id", got ${String(r.id)}`;
  if (!OUTCOMES.has(r.outcome)) return `result: unknown outcome ${JSON.stringify(r.outcome)}`;
  if (typeof r.started !== 'number' || typeof r.finished !== 'number') return 'result: expected numeric "started" and "finished"';
  return null;
}
