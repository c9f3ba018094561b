// The application thread's handle on a dispatch core running in a dispatcher thread: the same Core
// interface as InlineCore, carried over batched messages.
import { Worker } from 'node:worker_threads';
import type { Core, CoreOptions, CoreTaskRecord, DoneReport } from './types.js';
import type { ManagerEvent } from '../events.js';
import type { EnvFile } from '../../protocol/environment-files.js';
import type { ManagerStatus } from '../status.js';
import type { FromDispatcher, ToDispatcher } from './thread-messages.js';

/** Longest wait for the dispatcher thread to close its links before it is stopped. */
const THREAD_CLOSE_SECONDS = 10;
/** Most operations in one message to the dispatcher thread, and most messages it has not yet taken in. */
const BATCH_OPS = 8192;
const IN_FLIGHT = 2;

export class ThreadCore implements Core {
  onDone: (d: DoneReport) => void = () => {};
  onEvent: (e: ManagerEvent) => void = () => {};
  onLog: (line: string) => void = () => {};
  private readonly thread: Worker;
  private outbox: ToDispatcher[] = [];
  private outHead = 0;
  private inFlight = 0;
  private flushQueued = false;
  private snapshot: ManagerStatus;
  private listening: { resolve: (p: number) => void; reject: (e: Error) => void } | null = null;
  private closing: (() => void) | null = null;
  private closingPromise: Promise<void> | null = null;
  private exited = false;

  constructor(opts: CoreOptions) {
    this.snapshot = { name: opts.name, port: null, dispatch: 'thread', workers: [],
      tasks: { preparing: 0, waiting: 0, running: 0, retrieved: 0, done: 0 }, categories: [], warnings: [] };
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
      case 'ack':
        this.inFlight--;
        this.flush();
        break;
    }
  }

  private post(m: ToDispatcher): void {
    this.outbox.push(m);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Every task submitted in one run of application code goes over together.
    queueMicrotask(this.flushLater);
  }

  private readonly flushLater = (): void => {
    this.flushQueued = false;
    this.flush();
  };

  /** Sends what is waiting, at most BATCH_OPS to a message and IN_FLIGHT unanswered messages at once: the
   * dispatcher thread is never more than that behind, so close() reaches it at once even after a million
   * submissions. */
  private flush(): void {
    while (this.inFlight < IN_FLIGHT && this.outHead < this.outbox.length && !this.exited) {
      const end = Math.min(this.outbox.length, this.outHead + BATCH_OPS);
      const batch = this.outHead === 0 && end === this.outbox.length ? this.outbox : this.outbox.slice(this.outHead, end);
      this.outHead = end;
      if (this.outHead === this.outbox.length) {
        this.outbox = [];
        this.outHead = 0;
      }
      this.inFlight++;
      this.thread.postMessage(batch);
    }
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
    this.closingPromise ??= new Promise((resolve) => {
      this.closing = resolve;
      this.thread.ref();
      // The application has ended every task: what has not gone over yet need not go at all.
      this.outbox = [];
      this.outHead = 0;
      this.thread.postMessage([{ op: 'close' }]);
      // The core bounds its own close; this bounds a dispatcher thread that cannot answer at all.
      const timer = setTimeout(() => void this.thread.terminate(), THREAD_CLOSE_SECONDS * 1000);
      timer.unref();
    });
    return this.closingPromise;
  }
}
