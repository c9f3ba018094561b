// The journal's lines. One record a line, its kind in the first character:
//   H <json>              header: the journal's id (workers holding its tasks name it) and format version
//   T <tid> <json>        a task template: options, and for a function its environment hash and export name
//   F <id> <tid> <b64>    a function task submitted: its template and its encoded arguments
//   C <id> <json>         a command task submitted: options, command line, environment, inputs by hash, outputs
//   R <id> <b64>          a task finished: the V8-serialized report the application will be given
//   S <id> <fields> <b64> <worker>  a function task finished with success and nothing unusual: its report as plain fields
//                         (result, times, worker, allocation, measurement) and its encoded value
//   A <id>                the application took that result (wait() returned it, or remote()'s promise settled)
// Text lines so a journal can be read (and cut short by a crash mid-line: the last partial line is ignored).
import type { ResolvedTaskOptions } from '../task-options.js';
import type { SerializedError } from '../../protocol/messages.js';
import type { DoneReport } from '../core/types.js';

export const JOURNAL_FORMAT = 1;

export interface Header { journal: string; format: number }

export interface FunctionTemplate { kind: 'function'; opts: ResolvedTaskOptions; env: string; exportName: string; name: string }

export interface CommandRecord {
  opts: ResolvedTaskOptions;
  command: string;
  env: Record<string, string>;
  inputs: { hash: string; name: string; localPath: string }[];
  outputs: { name: string; localPath: string }[];
}

/** What a finished task carries: the core's report, or the reason the manager itself ended it. */
export type ResultRecord = Omit<DoneReport, 'error'> & { error?: SerializedError };

export function headerLine(h: Header): string {
  return `H ${JSON.stringify(h)}\n`;
}

export function templateLine(tid: number, t: FunctionTemplate): string {
  return `T ${tid} ${JSON.stringify(t)}\n`;
}

/** The arguments last encoded, and their text: calls without arguments all share one encoding. */
let lastArgs: Uint8Array | null = null;
let lastArgsText = '';

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function functionLine(id: number, tid: number, args: Uint8Array): string {
  if (args !== lastArgs) {
    lastArgs = args;
    lastArgsText = base64(args);
  }
  return `F ${id} ${tid} ${lastArgsText}\n`;
}

const PLAIN_REPORT_KEYS = new Set(['type', 'id', 'outcome', 'value', 'started', 'finished', 'measured']);

/** The common result (a function's success, measured by thread) as a line of plain fields; null for others. */
export function plainResultLine(id: number, r: ResultRecord): string | null {
  const rep = r.report;
  if (r.error || !rep || rep.outcome !== 'success' || r.result !== 'success' || !rep.value || !rep.measured) return null;
  for (const k in rep) if (!PLAIN_REPORT_KEYS.has(k)) return null;
  const m = rep.measured;
  if (m.coresPeak !== undefined || m.disk !== undefined) return null;
  const a = r.allocation;
  return `S ${id} ${rep.started} ${rep.finished} ${r.dispatched} ${r.lostCount} ${r.exhaustions} ${a.cores} ${a.memory} ${a.disk} ${a.gpus} ` +
    `${m.cpuTime} ${m.memory} ${base64(rep.value)} ${JSON.stringify(r.worker)}\n`;
}

/** Reads an S line back into the record it was made from. */
export function readPlainResult(line: string): ResultRecord {
  const f = line.split(' ');
  const id = Number(f[1]);
  const n = (i: number) => Number(f[i]);
  return { id, result: 'success', worker: JSON.parse(f.slice(14).join(' ')) as string | null, dispatched: n(4), lostCount: n(5), exhaustions: n(6),
    allocation: { cores: n(7), memory: n(8), disk: n(9), gpus: n(10) },
    report: { type: 'result', id, outcome: 'success', started: n(2), finished: n(3), measured: { cpuTime: n(11), memory: n(12) },
      value: Buffer.from(f[13], 'base64') } };
}

export function commandLine(id: number, c: CommandRecord): string {
  return `C ${id} ${JSON.stringify(c)}\n`;
}

export function resultLine(id: number, encoded: Buffer): string {
  return `R ${id} ${encoded.toString('base64')}\n`;
}

export function takenLine(id: number): string {
  return `A ${id}\n`;
}
