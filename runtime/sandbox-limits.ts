// Enforces a command task's memory and disk allocations: over either, its process tree is killed and the
// task ends with 'resource-exhaustion', naming the resource, the allocation and what was measured.
import { readdirSync, type Dirent } from 'node:fs';
import { readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResourceAmounts, TaskResult } from '../lib/protocol/messages.js';
import type { TreeMonitor } from './process-tree.js';
import type { OutputCapture } from './output-capture.js';

/** The sandbox is walked for its size at most this often (a walk costs more than a /proc sample). */
const DISK_CHECK_MS = 1000;

/** Bytes under a directory (as MB) and how many entries it has at its top. */
export async function sandboxUsage(dir: string): Promise<{ mb: number; entries: number }> {
  let top: Dirent[];
  // The top level is read at once: most commands leave their sandbox empty, and then this is the only read.
  try { top = readdirSync(dir, { withFileTypes: true }); } catch { return { mb: 0, entries: 0 }; }
  let bytes = 0;
  const walk = async (d: string, entries: Dirent[]): Promise<void> => {
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        let inner: Dirent[];
        try { inner = await readdir(p, { withFileTypes: true }); } catch { continue; }
        await walk(p, inner);
      } else {
        try { bytes += (await lstat(p)).size; } catch { /* removed meanwhile */ }
      }
    }
  };
  await walk(dir, top);
  return { mb: bytes / 2 ** 20, entries: top.length };
}

export async function directoryMB(dir: string): Promise<number> {
  return (await sandboxUsage(dir)).mb;
}

export class SandboxLimits {
  exceeded: TaskResult['exhausted'] | null = null;
  private lastDiskCheck = 0;
  private diskWalk: Promise<void> | null = null;

  /** What the command writes to stdout and stderr lands on this disk too, so it counts. */
  constructor(private readonly allocation: ResourceAmounts, private readonly dir: string,
    private readonly output: OutputCapture) {}

  check(m: TreeMonitor): void {
    if (this.exceeded) return;
    if (this.allocation.memory > 0 && m.peakRssMb > this.allocation.memory) {
      this.exceeded = { resource: 'memory', allocated: this.allocation.memory, measured: m.peakRssMb };
      m.killAll();
      return;
    }
    const now = Date.now();
    if (this.allocation.disk > 0 && !this.diskWalk && now - this.lastDiskCheck >= DISK_CHECK_MS) {
      this.lastDiskCheck = now;
      this.diskWalk = directoryMB(this.dir).then((sandboxMb) => {
        this.diskWalk = null;
        const mb = sandboxMb + this.output.bytes() / 2 ** 20;
        if (!this.exceeded && mb > this.allocation.disk) {
          this.exceeded = { resource: 'disk', allocated: this.allocation.disk, measured: mb };
          m.killAll();
        }
      });
    }
  }
}
