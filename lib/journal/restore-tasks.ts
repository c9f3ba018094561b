// Turns a journal's records back into tasks: unfinished ones to queue again, finished ones to hand back.
import { deserialize } from 'node:v8';
import { FunctionTask, CommandTask, type Task } from '../task.js';
import type { ReadyEnvironment, Shipment } from '../function-shipment.js';
import type { EnvFile } from '../../protocol/environment-files.js';
import type { FileStore } from '../file-store.js';
import { decodeError } from '../../protocol/payload.js';
import type { ContentCopies } from './content-copies.js';
import type { JournalState } from './journal-reader.js';
import { readPlainResult, type CommandRecord, type ResultRecord } from './journal-records.js';

export interface RestoredTasks {
  unfinished: Task[];
  finished: Task[];
}

export function restoreTasks(state: JournalState, copies: ContentCopies, files: FileStore): RestoredTasks {
  const shipments = new Map<number, Shipment>();
  const out: RestoredTasks = { unfinished: [], finished: [] };
  const now = Date.now() / 1000;
  for (const [id, line] of state.submitted) {
    const t = line[0] === 'F' ? functionTask(line, state, copies, shipments) : commandTask(line, copies, files);
    t.id = id;
    t.times.submitted = now;
    const result = state.results.get(id);
    if (result === undefined) {
      out.unfinished.push(t);
      continue;
    }
    applyResult(t, result[0] === 'S' ? readPlainResult(result)
      : deserialize(Buffer.from(result.slice(result.indexOf(' ', 2) + 1), 'base64')) as ResultRecord);
    out.finished.push(t);
  }
  return out;
}

function functionTask(line: string, state: JournalState, copies: ContentCopies, shipments: Map<number, Shipment>): Task {
  const a = line.indexOf(' ', 2);
  const b = line.indexOf(' ', a + 1);
  const tid = Number(line.slice(a + 1, b));
  const template = state.templates.get(tid);
  if (!template) throw new Error(`journal: task line refers to template ${tid}, which the journal does not hold`);
  let shipment = shipments.get(tid);
  if (!shipment) {
    const env = JSON.parse(copies.readEnv(template.env)) as { code: string; files: EnvFile[] };
    const data = new Map<string, Uint8Array>(env.files.map((f) => [f.hash, copies.readFile(f.hash)]));
    const files = env.files.map((f) => ({ ...f, source: '', size: data.get(f.hash)!.byteLength, mtimeMs: 0 }));
    const ready: ReadyEnvironment = { hash: template.env, code: env.code, exportName: template.exportName, files, data, warnings: [] };
    const s: Shipment = { name: template.name, ready, bundle: () => Promise.resolve(ready) };
    shipment = s;
    shipments.set(tid, s);
  }
  return FunctionTask.restore(shipment, Buffer.from(line.slice(b + 1), 'base64'), template.opts);
}

function commandTask(line: string, copies: ContentCopies, files: FileStore): Task {
  const c = JSON.parse(line.slice(line.indexOf(' ', 2) + 1)) as CommandRecord;
  const t = new CommandTask(c.command).useResolvedOptions(c.opts);
  t.env = c.env;
  for (const i of c.inputs) {
    t.inputs.push({ localPath: i.localPath, name: i.name });
    t.inputHashes.push(i.hash);
    if (!files.get(i.hash)) files.put(i.hash, copies.readFile(i.hash));
  }
  for (const o of c.outputs) t.outputs.push({ name: o.name, localPath: o.localPath });
  return t;
}

/** What onDone would have done with the report, as the application would have seen it. */
function applyResult(t: Task, d: ResultRecord): void {
  t.worker = d.worker;
  t.times.dispatched = d.dispatched;
  t.lostCount = d.lostCount;
  t.allocation = d.allocation ?? null;
  t.exhaustions = d.exhaustions;
  if (d.report) t.absorb(d.report);
  t.result = d.result;
  if (d.error && !t.error) t.error = decodeError(d.error);
  if (!t.times.finished) t.times.finished = Date.now() / 1000;
  t.state = 'done';
}
