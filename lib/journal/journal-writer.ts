// Appends journal lines: gathered in memory, written by one write() at a time, and made durable with
// fdatasync at most `syncInterval` seconds after they were appended. writeNow() is for the records that must
// be in the file before the application sees a result (a process killed after a write() loses nothing of it;
// only a machine crash can lose what is not yet synced).
import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';

export class JournalWriter {
  private parts: string[] = [];
  private fd: number;
  private timer: NodeJS.Timeout | null = null;
  private syncing = false;
  private dirty = false;
  /** Bytes written since the journal was opened or compacted. */
  written = 0;

  constructor(readonly path: string, private readonly syncInterval: number) {
    this.fd = openSync(path, 'a');
  }

  append(line: string): void {
    this.parts.push(line);
    if (!this.timer) {
      this.timer = setTimeout(this.tick, this.syncInterval * 1000);
      this.timer.unref();
    }
  }

  /** Writes what is gathered now (a write() system call, no sync). */
  writeNow(): void {
    if (this.parts.length === 0 || this.fd < 0) return;
    const data = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    let buf = Buffer.from(data);
    while (buf.length > 0) {
      const n = writeSync(this.fd, buf);
      buf = buf.subarray(n);
    }
    this.written += Buffer.byteLength(data);
    this.dirty = true;
  }

  private readonly tick = (): void => {
    this.timer = null;
    this.writeNow();
    if (!this.dirty || this.syncing || this.fd < 0) return;
    this.dirty = false;
    this.syncing = true;
    // In the thread pool: the application's thread does not wait for the disk.
    fdatasync(this.fd, () => {
      this.syncing = false;
    });
  };

  close(): void {
    if (this.fd < 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writeNow();
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
