// The JX explorer behind `trellis repl`, without the terminal: it takes lines, keeps every input as in_N and
// every result as out_N (usable in later expressions), answers the reserved words, and asks for more input
// while brackets are open. The caller decides how to read lines and print results.
import { FUNCTIONS, JxError, evaluateNode, parseJx, type EvalLimits, type JxObject, type JxValue } from '../jx/index.js';
import { newObject } from '../jx/values.js';
import { queryCatalog } from '../catalog/catalog-client.js';
import { queryStatus } from '../status-client.js';

export type ReplResult =
  | { kind: 'more' }
  | { kind: 'empty' }
  | { kind: 'quit' }
  | { kind: 'text'; text: string }
  | { kind: 'value'; n: number; value: JxValue }
  | { kind: 'error'; n: number | null; text: string };

export interface ReplOptions {
  /** Where `catalog` fetches records from. */
  catalog?: { host: string; port: number } | null;
  /** Password for `status HOST:PORT`. */
  password?: string | null;
  limits?: EvalLimits;
  /** Seconds to wait for a catalog or a manager. Default 10. */
  timeout?: number;
}

export const RESERVED = ['help', 'functions', 'values', 'operators', 'catalog', 'status', 'quit', 'exit'];

const HELP = `Enter a JX expression to evaluate it; its text is kept as in_N and its value as out_N.
Reserved words:
  help                 this message
  functions            the JX functions
  values               the kinds of JX values, and the symbols defined so far
  operators            the JX operators
  catalog              fetch the catalog's records (address from --catalog or TRELLIS_CATALOG)
  status HOST:PORT     fetch a running manager's status (workers, tasks, categories)
  quit, exit           leave
An expression continues on the next line while a bracket is open; an empty line ends it.
Example: out_1.select(tasks_waiting > 0).project(project)`;

const VALUES = `null                 null
boolean              true, false
integer              0, 123, -7
float                3.14, 1e-3
string               "text" or 'text'
array                [1, "a", [2]]
object               {"key": value}`;

const OPERATORS = `a or b, a and b, not a       booleans
== != < <= > >=              comparisons (order of numbers or strings)
+ - * / %                    arithmetic; + also joins strings and lists
-a                           negation
a[i], a[i:j]                 index (negative from the end), slice
a.f(b)                       the dot: f(a, b)
a.k                          the field k of an object
[e for x in list if cond]    list comprehension (several for clauses nest)`;

export class ReplSession {
  /** The number the next input gets. */
  n = 0;
  readonly context: JxObject = newObject();
  private pending: string[] = [];

  constructor(private readonly options: ReplOptions = {}) {}

  /** True while an expression is waiting for its closing lines. */
  get continuing(): boolean { return this.pending.length > 0; }

  /** Feeds one line. `end` says no more lines will come (end of input): a pending expression is evaluated as is. */
  async feed(line: string, end = false): Promise<ReplResult> {
    if (this.pending.length === 0) {
      const word = line.trim();
      if (word === '') return { kind: 'empty' };
      if (word === 'quit' || word === 'exit') return { kind: 'quit' };
      if (word === 'help') return { kind: 'text', text: HELP };
      if (word === 'functions') return { kind: 'text', text: functionsText() };
      if (word === 'operators') return { kind: 'text', text: OPERATORS };
      if (word === 'values') return { kind: 'text', text: `${VALUES}\nsymbols defined: ${Object.keys(this.context).join(', ') || 'none yet'}` };
      if (word === 'catalog') return this.fetch(word, () => this.fetchCatalog());
      const status = /^status(?:\s+(\S*))?$/.exec(word);
      if (status) return this.fetch(word, () => this.fetchStatus(status[1] ?? ''));
    }
    // An empty line ends a pending expression (it is evaluated as it is, and its error points into it).
    if (this.pending.length > 0 && line.trim() === '') end = true;
    else this.pending.push(line);
    const text = this.pending.join('\n');
    let node;
    try {
      node = parseJx(text);
    } catch (err) {
      if (err instanceof JxError && err.atEnd && !end) return { kind: 'more' };
      this.pending = [];
      return this.failed(text, err);
    }
    this.pending = [];
    const n = this.n++;
    this.context[`in_${n}`] = text;
    try {
      const value = evaluateNode(node, this.context, this.options.limits ?? {}, text);
      this.context[`out_${n}`] = value;
      return { kind: 'value', n, value };
    } catch (err) {
      return { kind: 'error', n, text: describe(err) };
    }
  }

  private failed(text: string, err: unknown): ReplResult {
    const n = this.n++;
    this.context[`in_${n}`] = text;
    return { kind: 'error', n, text: describe(err) };
  }

  private async fetch(text: string, get: () => Promise<JxValue>): Promise<ReplResult> {
    const n = this.n++;
    this.context[`in_${n}`] = text;
    try {
      const value = await get();
      this.context[`out_${n}`] = value;
      return { kind: 'value', n, value };
    } catch (err) {
      return { kind: 'error', n, text: (err as Error).message };
    }
  }

  private async fetchCatalog(): Promise<JxValue> {
    const at = this.options.catalog;
    if (!at) throw new Error('no catalog address: start the repl with --catalog HOST:PORT or set TRELLIS_CATALOG');
    return await queryCatalog({ ...at, timeout: this.options.timeout }) as unknown as JxValue;
  }

  private async fetchStatus(addr: string): Promise<JxValue> {
    const m = /^(.*):(\d+)$/.exec(addr);
    if (!m || !m[1] || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new Error(`expected status HOST:PORT (e.g. status 127.0.0.1:9123), got "status ${addr}"`);
    const status = await queryStatus({ host: m[1], port: Number(m[2]), password: this.options.password ?? null, timeout: this.options.timeout, tasks: true });
    return JSON.parse(JSON.stringify(status)) as JxValue;
  }
}

function describe(err: unknown): string {
  return err instanceof JxError ? err.display() : (err as Error).message;
}

function functionsText(): string {
  return [...FUNCTIONS.values()].map((f) => `${f.usage.padEnd(40)} ${f.help}`).join('\n');
}
