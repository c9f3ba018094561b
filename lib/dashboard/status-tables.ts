// Text tables for `trellis status`: workers, tasks, categories, the worker summary. Category records are
// shown with whatever fields the manager reports (nested objects flattened to dotted column names).
import Table from 'cli-table3';
import type { StatusView, TaskRow } from '../logs/observed-manager.js';
import { workersSummary } from './workers-summary.js';

export type StatusSection = 'workers' | 'tasks' | 'categories' | 'summary';

function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

function mb(n: number): string {
  return n >= 10240 ? `${(n / 1024).toFixed(1)} GB` : `${Math.round(n)} MB`;
}

function ago(epochSeconds: number | undefined): string {
  if (!epochSeconds) return '';
  const s = Math.max(0, Date.now() / 1000 - epochSeconds);
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

export function workersTable(s: StatusView): string {
  if (s.workers.length === 0) return 'no workers connected';
  return table(['worker', 'host', 'cores', 'memory', 'disk', 'gpus', 'running', 'queued', 'done', 'connected'],
    s.workers.map((w) => [w.name, w.host ?? '',
      `${w.inUse.cores}/${w.resources.cores}`, `${mb(w.inUse.memory)}/${mb(w.resources.memory)}`,
      `${mb(w.inUse.disk)}/${mb(w.resources.disk)}`, `${w.inUse.gpus}/${w.resources.gpus}`,
      w.running, w.queuedOnWorker ?? 0, w.tasksDone ?? 0, ago(w.connectedAt)]));
}

export function tasksTable(s: StatusView): string {
  const t = s.tasks;
  const rows: (string | number)[][] = [['preparing', t.preparing ?? 0], ['waiting', t.waiting], ['running', t.running],
    ['done', t.done]];
  if (t.retrieved !== undefined) rows.push(['retrieved', t.retrieved]);
  const parts = [table(['tasks', 'count'], rows)];
  const list = s.taskList;
  if (list) {
    const alloc = (a: TaskRow['allocation']) => `${a.cores} cores, ${mb(a.memory)}, ${mb(a.disk)}${a.gpus ? `, ${a.gpus} gpus` : ''}`;
    parts.push(list.running.length === 0 ? 'no task running' : table(['running', 'category', 'worker', 'allocation', 'for'],
      list.running.map((r) => [r.id, r.category, r.worker ?? '', alloc(r.allocation), ago(r.dispatched)])));
    parts.push(list.recent.length === 0 ? 'no task finished yet' : table(['finished', 'category', 'result', 'worker', 'allocation', 'wall s', 'cpu s', 'memory'],
      list.recent.map((r) => [r.id, r.category, r.result ?? '', r.worker ?? '', alloc(r.allocation),
        r.measured ? r.measured.wallTime.toFixed(3) : '', r.measured ? r.measured.cpuTime.toFixed(3) : '', r.measured ? mb(r.measured.memory) : ''])));
  }
  return parts.join('\n\n');
}

/** Category records as rows: an array of records, or a record keyed by category name. */
export function categoryRecords(categories: unknown): Record<string, unknown>[] {
  if (Array.isArray(categories)) return categories.filter((c) => c && typeof c === 'object') as Record<string, unknown>[];
  if (categories && typeof categories === 'object') {
    return Object.entries(categories).map(([name, c]) => ({ name, ...(c && typeof c === 'object' ? c : { value: c }) }));
  }
  return [];
}

function flatten(v: unknown, prefix: string, out: Record<string, unknown>): void {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = Array.isArray(v) ? v.join(',') : v;
}

export function categoriesTable(s: StatusView): string {
  const records = categoryRecords(s.categories);
  if (records.length === 0) return s.categories === undefined ? 'this manager reports no per-category statistics' : 'no categories yet';
  const flat = records.map((r) => { const o: Record<string, unknown> = {}; flatten(r, '', o); return o; });
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const show = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'number' ? +v.toFixed(3) : String(v));
  return table(columns, flat.map((r) => columns.map((c) => show(r[c]))));
}

export function summaryTable(s: StatusView): string {
  const groups = workersSummary(s);
  if (groups.length === 0) return 'no workers connected';
  return table(['workers', 'cores', 'memory', 'disk', 'gpus', 'busy', 'tasks running'],
    groups.map((g) => [g.workers, g.cores, mb(g.memory), mb(g.disk), g.gpus, g.busy, g.running]));
}

export function headline(s: StatusView, where: string): string {
  const t = s.tasks;
  return `${s.name} at ${where}: ${s.workers.length} workers, tasks ${t.waiting} waiting, ${t.running} running, ${t.done} done`;
}

/** The text `trellis status` prints for the chosen sections (all of them when none is chosen). */
export function statusText(s: StatusView, where: string, sections: StatusSection[]): string {
  const chosen = sections.length ? sections : ['summary', 'workers', 'tasks', 'categories'] as StatusSection[];
  const parts = [headline(s, where), ...(s.warnings ?? []).map((w) => `warning: ${w}`)];
  for (const section of chosen) {
    if (section === 'workers') parts.push(workersTable(s));
    else if (section === 'tasks') parts.push(tasksTable(s));
    else if (section === 'categories') parts.push(categoriesTable(s));
    else parts.push(summaryTable(s));
  }
  return parts.join('\n\n');
}

/** What `trellis status --json` prints for the chosen sections. */
export function statusJson(s: StatusView, sections: StatusSection[]): unknown {
  if (sections.length === 0) return { ...s, summary: workersSummary(s) };
  const out: Record<string, unknown> = { name: s.name };
  for (const section of sections) {
    if (section === 'workers') out.workers = s.workers;
    else if (section === 'tasks') { out.tasks = s.tasks; if (s.taskList) out.taskList = s.taskList; }
    else if (section === 'categories') out.categories = categoryRecords(s.categories);
    else out.summary = workersSummary(s);
  }
  return out;
}
