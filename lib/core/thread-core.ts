// The application thread's handle on a dispatch core running in a dispatcher thread: the same Core
// interface as InlineCore, carried over batched messages.
import { Worker } from 'node:worker_threads';
import type { Core, CoreOptions, CoreTaskRecord, DoneReport } from './types.js';
import type { ManagerEvent } from '../events.js';
import type { EnvFile } from '../protocol/environment-files.js';
import type { ManagerStatus } from '../status.js';
import type { FromDispatcher, ToDispatcher } from './thread-messages.js';

export class ThreadCore implements Core {
  onDone: (d: DoneReport) => void = () => {};
  onEvent: (e: ManagerEvent) => void = () => {};
  onLog: (line: string) => void = () => {};
  private readonly thread: Worker;
  private outbox: ToDispatcher[] = [];
  private flushQueued = false;
  private snapshot: ManagerStatus;
  private listening: { resolve: (p: number) => void; reject: (e: Error) => void } | null = null;
  private closing: (() => void) | null = null;
  private exited = false;

  constructor(opts: CoreOptions) {
    this.snapshot = { name: opts.name, port: null, dispatch: 'thread', workers: [],
      tasks: { preparing: 0, waiting: 0, running: 0, retrieved: 0, done: 0 }, categories: [] };
    this.thread = new Worker(new URL('./dispatch-thread.js', import.meta.url), { workerData: opts });
    this.thread.unref();
    this.thread.on('message', (batch: FromDispatcher[]) => { for (const m of batch) this.receive(m); });
    this.thread.on('error', (err) => this.onLog(`trellis manager: the dispatcher thread failed: ${err.stack ?? err.message}`));
    this.thread.on('exit', () => {
      this.exited = true;
      this.closing?.();
    });
  }

  private receive(m: FromDispatcher): void {
    switch (m.op) {
      case 'done': this.onDone(m.d); break;
      case 'event': this.onEvent(m.e); break;
      case 'log': this.onLog(m.line); break;
      case 'status': this.snapshot = { ...m.s, dispatch: 'thread' }; break;
      case 'listening': this.listening?.resolve(m.port); break;
      case 'listen-failed': this.listening?.reject(new Error(m.message)); break;
      case 'closed': void this.thread.terminate(); break;
    }
  }

  private post(m: ToDispatcher): void {
    this.outbox.push(m);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Every task submitted in one run of application code goes over in one message.
    queueMicrotask(() => {
      this.flushQueued = false;
      const batch = this.outbox;
      this.outbox = [];
      if (!this.exited) this.thread.postMessage(batch);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.listening = { resolve, reject };
      this.post({ op: 'listen' });
    });
  }

  addEnv(hash: string, code: string, files: EnvFile[]): void { this.post({ op: 'env', hash, code, files }); }
  addFile(hash: string, data: Uint8Array): void { this.post({ op: 'file', hash, data }); }
  add(rec: CoreTaskRecord): void { this.post({ op: 'add', rec }); }
  cancel(id: number): void { this.post({ op: 'cancel', id }); }
  tune(name: string, value: unknown): void { this.post({ op: 'tune', name, value }); }
  setCategory(name: string, what: 'mode' | 'max' | 'first', value: unknown): void { this.post({ op: 'category', name, what, value }); }
  setEventsWanted(wanted: boolean): void { this.post({ op: 'events', wanted }); }

  /** The latest snapshot the dispatcher thread sent (it sends one every 50 ms). */
  status(): ManagerStatus {
    return this.snapshot;
  }

  setActive(active: boolean): void {
    if (active) this.thread.ref(); else this.thread.unref();
  }

  close(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.closing = resolve;
      this.thread.ref();
      this.post({ op: 'close' });
    });
  }
}
