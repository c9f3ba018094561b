// Appends JSON lines to a file opened at once (so a bad path throws where the log is asked for). The lines of
// one turn of the event loop go out in one synchronous write: a log of millions of events stays cheap, keeps
// its order, and what was logged before the process exits is in the file.
import { openSync, closeSync, fstatSync, writeSync } from 'node:fs';
import { OptionError } from '../options.js';

const open = new Set<LineWriter>();
let exitHook = false;

export class LineWriter {
  private fd: number | null;
  private pending: string[] = [];
  private scheduled = false;

  constructor(readonly what: string, readonly path: string) {
    if (typeof path !== 'string' || path === '') {
      throw new OptionError(`${what}: expected a file path, got ${JSON.stringify(path)}`);
    }
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (err) {
      throw new OptionError(`${what}: cannot write "${path}": ${(err as Error).message}; expected a file path in a writable folder`);
    }
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw new OptionError(`${what}: "${path}" is a directory; expected a file path`);
    }
    this.fd = fd;
    open.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => { for (const w of open) w.flush(); });
    }
  }

  /** Queues one record; it reaches the file at the end of this turn of the event loop. */
  line(record: object): void {
    if (this.fd === null) return;
    this.pending.push(JSON.stringify(record));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => { this.scheduled = false; this.flush(); }).unref();
    }
  }

  /** Writes everything queued now. */
  flush(): void {
    if (this.pending.length === 0 || this.fd === null) return;
    const buf = Buffer.from(this.pending.join('\n') + '\n');
    this.pending = [];
    try {
      for (let off = 0; off < buf.length;) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      // A full disk must not crash the application: say it once and stop logging.
      console.error(`trellis: ${this.what}: writing "${this.path}" failed: ${(err as Error).message}; logging stopped`);
      this.close();
    }
  }

  close(): void {
    this.flush();
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    open.delete(this);
  }
}
