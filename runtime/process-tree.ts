// Samples a process and all its descendants from /proc: resident memory, CPU time, how many cores they
// used since the last sample. Polled, so a burst shorter than the interval can be missed.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_MB = 4096 / 2 ** 20;
const TICKS = 100; // USER_HZ on Linux

interface ProcStat { pid: number; ppid: number; cpu: number; rssMb: number }

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14-17, rss field 24.
    const cpu = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
    return { pid, ppid: Number(f[1]), cpu, rssMb: Number(f[21]) * PAGE_MB };
  } catch {
    return null;
  }
}

export interface TreeSample { pids: number[]; rssMb: number; cpuSeconds: number }

/** Direct children of a process, from /proc/PID/task/TID/children (cheap: no scan of all of /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tids: string[];
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').split(' ')) if (c) out.push(Number(c));
    } catch { /* the thread ended */ }
  }
  return out;
}

/** Kernels without CONFIG_PROC_CHILDREN lack the children files: then parents come from a scan of /proc. */
const HAVE_CHILDREN_FILES = (() => {
  try { readFileSync(`/proc/self/task/${process.pid}/children`); return true; } catch { return false; }
})();

function childrenByScan(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = readStat(pid);
    if (!s) continue;
    const list = map.get(s.ppid);
    if (list) list.push(pid); else map.set(s.ppid, [pid]);
  }
  return map;
}

export function sampleTree(root: number): TreeSample {
  const out: TreeSample = { pids: [], rssMb: 0, cpuSeconds: 0 };
  const scanned = HAVE_CHILDREN_FILES ? null : childrenByScan();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    const s = readStat(pid);
    if (!s) continue;
    out.pids.push(pid);
    out.rssMb += s.rssMb;
    out.cpuSeconds += s.cpu;
    stack.push(...(scanned ? scanned.get(pid) ?? [] : childrenOf(pid)));
  }
  return out;
}

/** Polls a tree until stopped, keeping peaks; calls onSample after each sample (to enforce limits). */
export class TreeMonitor {
  peakRssMb = 0;
  peakCores = 0;
  cpuSeconds = 0;
  lastPids: number[] = [];
  private lastTime = performance.now();
  private lastCpu = 0;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly root: number, intervalMs: number, private readonly onSample: (m: TreeMonitor) => void) {
    // The first sample comes one interval in: a command that ends sooner is measured by its wall time only.
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const s = sampleTree(this.root);
    if (s.pids.length === 0) return;
    const now = performance.now();
    this.peakRssMb = Math.max(this.peakRssMb, s.rssMb);
    if (now > this.lastTime && s.cpuSeconds >= this.lastCpu && this.lastCpu > 0) {
      this.peakCores = Math.max(this.peakCores, (s.cpuSeconds - this.lastCpu) / ((now - this.lastTime) / 1000));
    }
    this.cpuSeconds = Math.max(this.cpuSeconds, s.cpuSeconds);
    this.lastTime = now;
    this.lastCpu = s.cpuSeconds;
    this.lastPids = s.pids;
    this.onSample(this);
  }

  /** Kills the tree as last sampled; not once stopped, when those pids may already belong to others. */
  killAll(): void {
    if (this.stopped) return;
    for (const pid of this.lastPids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
