// The manager's journal: every submitted task and every result, appended as they happen, so a manager started
// again with the same file after a crash (kill -9 included) queues again what was unfinished and hands back
// what finished and was not taken. See docs/journal.md for what a crash can lose.
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import type { ReadyEnvironment } from '../function-shipment.js';
import type { ResolvedTaskOptions } from '../task-options.js';
import { JournalWriter } from './journal-writer.js';
import { ContentCopies } from './content-copies.js';
import { readJournal, type JournalState } from './journal-reader.js';
import { JOURNAL_FORMAT, plainResultLine, commandLine, functionLine, headerLine, resultLine, takenLine, templateLine, type CommandRecord,
  type ResultRecord } from './journal-records.js';

export interface JournalOptions {
  path: string;
  /** Seconds between syncs to disk. Default 0.2. */
  syncInterval?: number;
}

export class Journal {
  readonly id: string;
  readonly copies: ContentCopies;
  private readonly writer: JournalWriter;
  /** Template ids by bundle, then by options object (both shared by every call of one remote() function). */
  private readonly templates = new WeakMap<ReadyEnvironment, Map<ResolvedTaskOptions, number>>();
  private nextTemplate: number;

  /** Opens (or creates) a journal; what it held comes back in `state`, and the file is rewritten with only that. */
  static open(o: JournalOptions): { journal: Journal; state: JournalState } {
    const state = readJournal(o.path);
    const id = state.header?.journal ?? randomBytes(8).toString('hex');
    // Compaction: the live records alone, written whole and renamed over the old file.
    const parts: string[] = [headerLine({ journal: id, format: JOURNAL_FORMAT })];
    for (const [tid, t] of state.templates) parts.push(templateLine(tid, t));
    for (const line of state.submitted.values()) parts.push(line, '\n');
    for (const line of state.results.values()) parts.push(line, '\n');
    const tmp = `${o.path}.compact`;
    writeFileSync(tmp, parts.join(''));
    renameSync(tmp, o.path);
    return { journal: new Journal(o, id, state.maxTemplate + 1), state };
  }

  private constructor(o: JournalOptions, id: string, nextTemplate: number) {
    this.id = id;
    this.copies = new ContentCopies(`${o.path}.content`);
    this.writer = new JournalWriter(o.path, o.syncInterval ?? 0.2);
    this.nextTemplate = nextTemplate;
  }

  submittedFunction(id: number, opts: ResolvedTaskOptions, bundle: ReadyEnvironment, name: string, args: Uint8Array): void {
    let byOpts = this.templates.get(bundle);
    if (!byOpts) {
      byOpts = new Map();
      this.templates.set(bundle, byOpts);
    }
    let tid = byOpts.get(opts);
    if (tid === undefined) {
      tid = this.nextTemplate++;
      byOpts.set(opts, tid);
      // The environment: its code and file list as one copy, each file as a copy of its own.
      const files = bundle.files.map((f) => ({ path: f.path, hash: f.hash, ...(f.executable ? { executable: true } : {}) }));
      for (const f of files) {
        const data = bundle.data.get(f.hash);
        if (data) this.copies.keep('file', f.hash, data);
      }
      this.copies.keep('env', bundle.hash, JSON.stringify({ code: bundle.code, files }));
      this.writer.append(templateLine(tid, { kind: 'function', opts, env: bundle.hash, exportName: bundle.exportName, name }));
    }
    this.writer.append(functionLine(id, tid, args));
  }

  submittedCommand(id: number, c: CommandRecord, data: (hash: string) => Uint8Array): void {
    for (const i of c.inputs) this.copies.keep('file', i.hash, data(i.hash));
    this.writer.append(commandLine(id, c));
  }

  finished(id: number, r: ResultRecord): void {
    this.writer.append(plainResultLine(id, r) ?? resultLine(id, serialize(r)));
  }

  taken(id: number): void {
    this.writer.append(takenLine(id));
  }

  /** Puts everything appended so far in the file (before results reach the application). */
  writeNow(): void {
    this.writer.writeNow();
  }

  close(): void {
    this.writer.close();
  }
}
