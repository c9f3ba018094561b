// Enforces a command task's memory and disk allocations: over either, the command is killed whole and the
// task ends with 'resource-exhaustion', naming the resource, the allocation and what was measured.
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResourceAmounts, TaskResult } from '../protocol/messages.js';
import type { TreeMonitor } from './process-tree.js';
import type { OutputCapture } from './output-capture.js';

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

/** Bytes under a directory (as MB), read at once: for checks that must not wait behind the thread pool. */
function directoryMBSync(dir: string): number {
  let bytes = 0;
  const walk = (d: string): void => {
    let entries: Dirent[];
    try { entries = readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else try { bytes += lstatSync(p).size; } catch { /* removed meanwhile */ }
    }
  };
  walk(dir);
  return bytes / 2 ** 20;
}

/** Disk checks: the first this soon after the start, then as often as the sandbox's growth calls for. */
const FIRST_DISK_CHECK_MS = 10;
const MIN_DISK_CHECK_MS = 1;
const MAX_DISK_CHECK_MS = 100;
/** The write rate assumed until a faster one is seen (MB per ms: 1 GB/s). */
const ASSUMED_MB_PER_MS = 1;
/** At most this share of a core goes to walking one sandbox. */
const WALK_SHARE = 0.1;

export class SandboxLimits {
  exceeded: TaskResult['exhausted'] | null = null;
  private diskTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastMb = 0;
  private lastAt = 0;
  private fastest = ASSUMED_MB_PER_MS;

  /** What the command writes to stdout and stderr lands on this disk too, so it counts. `kill` stops the
   * whole command. */
  constructor(private readonly allocation: ResourceAmounts, private readonly dir: string,
    private readonly output: OutputCapture, private readonly kill: () => void) {
    if (allocation.disk > 0) this.diskTimer = setTimeout(() => this.checkDisk(), FIRST_DISK_CHECK_MS);
  }

  /** Memory, at each sample of the command's process tree. */
  check(m: TreeMonitor): void {
    if (this.exceeded) return;
    if (this.allocation.memory > 0 && m.peakRssMb > this.allocation.memory) {
      this.exceeded = { resource: 'memory', allocated: this.allocation.memory, measured: m.peakRssMb };
      this.kill();
    }
  }

  /** The command has ended: no more checks. `finalMb` is the disk it used at its end (files and output). */
  stop(finalMb: number): void {
    this.stopped = true;
    if (this.diskTimer) clearTimeout(this.diskTimer);
    if (!this.exceeded && this.allocation.disk > 0 && finalMb > this.allocation.disk) {
      this.exceeded = { resource: 'disk', allocated: this.allocation.disk, measured: finalMb };
    }
  }

  /** Walks the sandbox; the next walk comes before it could reach 110% of the allocation at the fastest rate
   * it grew so far (or 1 GB/s), with a margin of two (a single file cannot get past its allocation anyway: see
   * the file size limit in command-runner.ts), but never so often that walking costs more than WALK_SHARE of
   * a core. */
  private checkDisk(): void {
    this.diskTimer = null;
    if (this.stopped || this.exceeded) return;
    const t0 = performance.now();
    const mb = directoryMBSync(this.dir) + this.output.bytes() / 2 ** 20;
    const now = performance.now();
    if (mb > this.allocation.disk) {
      this.exceeded = { resource: 'disk', allocated: this.allocation.disk, measured: mb };
      this.kill();
      return;
    }
    if (this.lastAt > 0 && now > this.lastAt) this.fastest = Math.max(this.fastest, (mb - this.lastMb) / (now - this.lastAt));
    this.lastMb = mb;
    this.lastAt = now;
    let next = (this.allocation.disk * 1.1 - mb) / this.fastest / 2;
    next = Math.min(MAX_DISK_CHECK_MS, Math.max(MIN_DISK_CHECK_MS, next, (now - t0) / WALK_SHARE));
    this.diskTimer = setTimeout(() => this.checkDisk(), next);
  }
}
