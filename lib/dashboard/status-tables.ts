// Text tables for `trellis status`: workers, tasks, categories, the worker summary. Category records are
// shown as words and units that fit 100 columns; `--json` keeps every field the manager reports.
import Table from 'cli-table3';
import type { StatusView, TaskRow } from '../logs/observed-manager.js';
import { workersSummary } from './workers-summary.js';

export type StatusSection = 'workers' | 'tasks' | 'categories' | 'summary';

// Columns separated by spaces, no box: the tables stay within 100 columns on a busy manager.
const NO_BORDER = Object.fromEntries(['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left',
  'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'].map((k) => [k, '']));

function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 }, chars: NO_BORDER });
  for (const r of rows) t.push(r.map(String));
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n');
}

/** A long name cut in the middle, keeping its end (a host's port, a category's leaf). */
function fit(name: string, width = 28): string {
  return name.length <= width ? name : `${name.slice(0, width - 9)}…${name.slice(-8)}`;
}

/** used/total in the unit of the total: "244/256 GB". */
function pair(used: number, total: number): string {
  const [unit, div] = total >= 10240 ? ['GB', 1024] : ['MB', 1];
  return `${Math.round(used / div)}/${Math.round(total / div)} ${unit}`;
}

/** MB as people read it: KB below one MB (a measured 0.02 MB is 20 KB, not "0 MB"), GB from 10 GB. */
export function mb(n: number): string {
  if (n > 0 && n < 1) return `${Math.max(1, Math.round(n * 1024))} KB`;
  return n >= 10240 ? `${(n / 1024).toFixed(1)} GB` : `${Math.round(n)} MB`;
}

function seconds(s: number): string {
  return s < 100 ? `${+s.toFixed(3)} s` : s < 7200 ? `${Math.round(s)} s` : `${(s / 3600).toFixed(1)} h`;
}

function ago(epochSeconds: number | undefined): string {
  if (!epochSeconds) return '';
  const s = Math.max(0, Date.now() / 1000 - epochSeconds);
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

export function workersTable(s: StatusView): string {
  if (s.workers.length === 0) return 'no workers connected';
  return table(['worker', 'cores', 'memory', 'disk', 'gpus', 'running', 'queued', 'done', 'up'],
    s.workers.map((w) => [fit(w.name),
      `${w.inUse.cores}/${w.resources.cores}`, pair(w.inUse.memory, w.resources.memory),
      pair(w.inUse.disk, w.resources.disk), `${w.inUse.gpus}/${w.resources.gpus}`,
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
    const alloc = (a: TaskRow['allocation']) => allocationText(a);
    parts.push(list.running.length === 0 ? 'no task running' : table(['running', 'category', 'worker', 'cores, memory, disk', 'for'],
      list.running.map((r) => [r.id, fit(r.category, 20), fit(r.worker ?? ''), alloc(r.allocation), ago(r.dispatched)])));
    parts.push(list.recent.length === 0 ? 'no task finished yet' : table(['finished', 'category', 'result', 'worker', 'wall', 'cpu', 'peak mem'],
      list.recent.map((r) => [r.id, fit(r.category, 20), r.result ?? '', fit(r.worker ?? '', 22),
        r.measured ? seconds(r.measured.wallTime) : '', r.measured ? seconds(r.measured.cpuTime) : '', r.measured ? mb(r.measured.memory) : ''])));
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

type Amounts = Partial<Record<'cores' | 'memory' | 'disk' | 'gpus', number>>;

function amounts(v: unknown): Amounts {
  return v && typeof v === 'object' ? (v as Amounts) : {};
}

/** Given amounts: 0 memory or disk means the task may use what the worker has, so it reads "unlimited". */
function allocationText(a: Amounts): string {
  const parts = [String(a.cores ?? 0), a.memory ? mb(a.memory) : 'unlimited', a.disk ? mb(a.disk) : 'unlimited'];
  if (a.gpus) parts.push(`${a.gpus} gpu${a.gpus === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function usedText(a: Amounts): string {
  if (a.cores === undefined && a.memory === undefined) return 'not measured yet';
  return [+(a.cores ?? 0).toFixed(2), mb(a.memory ?? 0), mb(a.disk ?? 0)].join(', ');
}

function percent(v: number | undefined): string {
  return v === undefined ? '-' : `${Math.round(v * 100)}%`;
}

/** Two tables of words and units that fit 100 columns: the queue per category, then its resources. `--json`
 *  has every field the manager reports. */
export function categoriesTable(s: StatusView): string {
  const records = categoryRecords(s.categories);
  if (records.length === 0) return s.categories === undefined ? 'this manager reports no per-category statistics' : 'no categories yet';
  const n = (r: Record<string, unknown>, k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  const queue = table(['category', 'mode', 'wait', 'run', 'done', 'retries', 'efficiency'],
    records.map((r) => {
      const eff = amounts(r.efficiency);
      return [fit(String(r.name ?? ''), 26), String(r.mode ?? ''), n(r, 'waiting'), n(r, 'running'), n(r, 'done'), n(r, 'exhaustions'),
        `cores ${percent(eff.cores)}, mem ${percent(eff.memory)}`];
    }));
  const resources = table(['category', 'allocation: cores, memory, disk', 'peak used: cores, memory, disk'],
    records.map((r) => [fit(String(r.name ?? '')), allocationText(amounts(r.allocation)), usedText(amounts(r.measuredMax))]));
  return `${queue}\n\n${resources}`;
}

export function summaryTable(s: StatusView): string {
  const groups = workersSummary(s);
  if (groups.length === 0) return 'no workers connected';
  return table(['workers', 'cores', 'memory', 'disk', 'gpus', 'busy', 'tasks running'],
    groups.map((g) => [g.workers, g.cores, mb(g.memory), mb(g.disk), g.gpus, g.busy, g.running]));
}

export function headline(s: StatusView, where: string): string {
  const t = s.tasks;
  return `${s.name} at ${where}\n${s.workers.length} workers; tasks ${t.waiting} waiting, ${t.running} running, ${t.done} done`;
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
