// A status request's JX query answered on the manager's side, bounded, so only what matches travels:
// `where` keeps the workers, categories and tasks for which the condition is true (a record on which it fails
// does not match), `select` is evaluated on the (filtered) status. A bad or too costly query is answered with
// its error; it never disturbs the manager.
import { compileFilter, evaluateJx, JxError, type JxObject, type JxValue } from './jx/index.js';
import type { ManagerStatus } from './status.js';

/** Bounds for queries from status clients: the manager's thread stops for at most a fraction of a second. */
export const STATUS_QUERY_LIMITS = { maxSteps: 2_000_000, maxSize: 2_000_000 };

export function answerStatusQuery(status: ManagerStatus, where: unknown, select: unknown): { status: ManagerStatus; query?: { value?: unknown; error?: string } } {
  if (where === undefined && select === undefined) return { status };
  for (const [name, v] of [['where', where], ['select', select]] as const) {
    if (v !== undefined && typeof v !== 'string') return { status, query: { error: `expected "${name}" to be a JX expression string, got ${typeof v}` } };
  }
  try {
    let out = status;
    if (typeof where === 'string') {
      // One filter (and one step budget) for the three lists.
      const filter = compileFilter(where, STATUS_QUERY_LIMITS);
      const keep = <T>(list: T[]): T[] => filter(list as unknown as JxObject[]) as unknown as T[];
      out = {
        ...status, workers: keep(status.workers), categories: keep(status.categories),
        ...(status.taskList ? { taskList: { running: keep(status.taskList.running), recent: keep(status.taskList.recent) } } : {}),
      };
    }
    if (typeof select !== 'string') return { status: out, query: {} };
    const context = JSON.parse(JSON.stringify(out)) as JxObject;
    // `tasks` in a query is the list of tasks (running and recent); the counts stay under `counts`.
    context.counts = context.tasks as JxValue;
    context.tasks = out.taskList ? [...out.taskList.running, ...out.taskList.recent] as unknown as JxValue : [];
    return { status: out, query: { value: evaluateJx(select, context, STATUS_QUERY_LIMITS) } };
  } catch (err) {
    return { status, query: { error: err instanceof JxError ? err.display() : (err as Error).message } };
  }
}
