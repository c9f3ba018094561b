// Appends journal lines: gathered during one turn of the event loop and written with one write() at its end
// (or sooner, each megabyte), and made durable with fdatasync at most `syncInterval` seconds after they were
// written. writeNow() is for the records that must be in the file before the application sees a result. A
// process killed after a write() loses nothing of it (the kernel has it); a machine crash can lose what was
// not yet synced.
import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';

/** Gathered lines past this many characters are written at once. */
const WRITE_CHARS = 1 << 20;

export class JournalWriter {
  private parts: string[] = [];
  private chars = 0;
  private fd: number;
  private writeQueued = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncing = false;
  private dirty = false;

  constructor(readonly path: string, private readonly syncInterval: number) {
    this.fd = openSync(path, 'a');
  }

  append(line: string): void {
    this.parts.push(line);
    this.chars += line.length;
    if (this.chars >= WRITE_CHARS) this.writeNow();
    else if (!this.writeQueued) {
      this.writeQueued = true;
      setImmediate(this.writeLater);
    }
  }

  private readonly writeLater = (): void => {
    this.writeQueued = false;
    this.writeNow();
  };

  /** Writes what is gathered now (a write() system call; the sync follows within the interval). */
  writeNow(): void {
    if (this.parts.length === 0 || this.fd < 0) return;
    const data = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.chars = 0;
    let buf = Buffer.from(data);
    while (buf.length > 0) buf = buf.subarray(writeSync(this.fd, buf));
    this.dirty = true;
    if (!this.syncTimer) {
      this.syncTimer = setTimeout(this.sync, this.syncInterval * 1000);
      this.syncTimer.unref();
    }
  }

  private readonly sync = (): void => {
    this.syncTimer = null;
    if (!this.dirty || this.fd < 0) return;
    if (this.syncing) {
      this.syncTimer = setTimeout(this.sync, this.syncInterval * 1000);
      this.syncTimer.unref();
      return;
    }
    this.dirty = false;
    this.syncing = true;
    // In the thread pool: the application's thread does not wait for the disk.
    fdatasync(this.fd, () => {
      this.syncing = false;
    });
  };

  close(): void {
    if (this.fd < 0) return;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    this.writeNow();
    if (this.syncTimer) clearTimeout(this.syncTimer);
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
