// The journal's lines. One record a line, its kind in the first character:
//   H <json>              header: the journal's id (workers holding its tasks name it) and format version
//   T <tid> <json>        a task template: options, and for a function its environment hash and export name
//   F <id> <tid> <b64>    a function task submitted: its template and its encoded arguments
//   C <id> <json>         a command task submitted: options, command line, environment, inputs by hash, outputs
//   R <id> <b64>          a task finished: the V8-serialized report the application will be given
//   A <id>                the application took that result (wait() returned it, or remote()'s promise settled)
// Text lines so a journal can be read (and cut short by a crash mid-line: the last partial line is ignored).
import type { ResolvedTaskOptions } from '../task-options.js';
import type { SerializedError } from '../protocol/messages.js';
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

export function functionLine(id: number, tid: number, args: Uint8Array): string {
  return `F ${id} ${tid} ${Buffer.from(args.buffer, args.byteOffset, args.byteLength).toString('base64')}\n`;
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
