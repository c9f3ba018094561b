// Enforces a command task's memory and disk allocations: over either, its process tree is killed and the
// task ends with 'resource-exhaustion', naming the resource, the allocation and what was measured.
import { readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResourceAmounts, TaskResult } from '../lib/protocol/messages.js';
import type { TreeMonitor } from './process-tree.js';

/** The sandbox is walked for its size at most this often (a walk costs more than a /proc sample). */
const DISK_CHECK_MS = 1000;

/** Bytes under a directory (as MB) and how many entries it has at its top. */
export async function sandboxUsage(dir: string): Promise<{ mb: number; entries: number }> {
  let bytes = 0;
  let top = 0;
  const walk = async (d: string, depth: number): Promise<void> => {
    let entries;
    try { entries = await readdir(d, { withFileTypes: true }); } catch { return; }
    if (depth === 0) top = entries.length;
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else { try { bytes += (await lstat(p)).size; } catch { /* removed meanwhile */ } }
    }
  };
  await walk(dir, 0);
  return { mb: bytes / 2 ** 20, entries: top };
}

export async function directoryMB(dir: string): Promise<number> {
  return (await sandboxUsage(dir)).mb;
}

export class SandboxLimits {
  exceeded: TaskResult['exhausted'] | null = null;
  private lastDiskCheck = 0;
  private diskWalk: Promise<void> | null = null;

  constructor(private readonly allocation: ResourceAmounts, private readonly dir: string) {}

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
      this.diskWalk = directoryMB(this.dir).then((mb) => {
        this.diskWalk = null;
        if (!this.exceeded && mb > this.allocation.disk) {
          this.exceeded = { resource: 'disk', allocated: this.allocation.disk, measured: mb };
          m.killAll();
        }
      });
    }
  }
}
