// The catalog's records, in memory, keyed by manager address; each expires `lifetime` seconds after its last
// update. A snapshot file (written shortly after each change, and at close) lets a restarted catalog keep what
// it knew.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { CatalogRecord } from './record.js';

export class CatalogStore {
  private readonly records = new Map<string, CatalogRecord>();
  private writeTimer: NodeJS.Timeout | null = null;

  constructor(readonly lifetime: number, private readonly snapshot: string | null, private readonly log: (line: string) => void) {
    if (snapshot) this.load(snapshot);
  }

  put(record: CatalogRecord, now = Date.now() / 1000): void {
    record.lastheardfrom = now;
    this.records.set(keyOf(record), record);
    this.changed();
  }

  remove(record: { address: string; port: number }): boolean {
    const gone = this.records.delete(keyOf(record));
    if (gone) this.changed();
    return gone;
  }

  /** The live records (expired ones are dropped on the way). */
  live(now = Date.now() / 1000): CatalogRecord[] {
    const out: CatalogRecord[] = [];
    let dropped = false;
    for (const [key, r] of this.records) {
      if ((r.lastheardfrom ?? 0) + this.lifetime < now) { this.records.delete(key); dropped = true; } else out.push(r);
    }
    if (dropped) this.changed();
    return out;
  }

  get size(): number { return this.records.size; }

  has(record: { address: string; port: number }): boolean { return this.records.has(keyOf(record)); }

  /** Writes the snapshot now (at close). */
  flush(): void {
    if (this.writeTimer) { clearTimeout(this.writeTimer); this.writeTimer = null; }
    if (!this.snapshot) return;
    const tmp = `${this.snapshot}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ version: 1, records: [...this.records.values()] }));
      renameSync(tmp, this.snapshot);
    } catch (err) {
      this.log(`trellis catalog: cannot write the snapshot ${this.snapshot}: ${(err as Error).message}`);
    }
  }

  private changed(): void {
    if (!this.snapshot || this.writeTimer) return;
    this.writeTimer = setTimeout(() => { this.writeTimer = null; this.flush(); }, 1000);
    this.writeTimer.unref();
  }

  private load(file: string): void {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { return; /* no snapshot yet */ }
    try {
      const data = JSON.parse(text) as { version?: unknown; records?: unknown };
      if (data.version !== 1 || !Array.isArray(data.records)) throw new Error('expected {"version": 1, "records": [...]}');
      for (const r of data.records as CatalogRecord[]) if (r && typeof r.address === 'string' && typeof r.port === 'number') this.records.set(keyOf(r), r);
      this.live();
      this.log(`trellis catalog: ${this.records.size} live record(s) restored from ${file}`);
    } catch (err) {
      this.log(`trellis catalog: ignoring the snapshot ${file}: ${(err as Error).message}`);
    }
  }
}

function keyOf(r: { address: string; port: number }): string {
  return `${r.address}:${r.port}`;
}
