// What a thread uses while it runs calls: its own CPU time (Linux /proc/thread-self/schedstat, in ns) and
// the peak of its isolate's heap plus external memory (V8's GC profiler sees the heap just before each
// collection, which is where the peaks are; for jobs of sub-millisecond calls the profiler costs more than the
// calls, so they are measured by the heap at start and end only).
import { openSync, readSync } from 'node:fs';
import { GCProfiler, getHeapStatistics } from 'node:v8';

// Opened once per thread: /proc/thread-self resolves to the thread that opens it, and a re-read of an open
// file costs a few microseconds where open+read+close costs tens.
let schedstat: number | null = null;
const buf = Buffer.alloc(128);

function threadCpuSeconds(): number {
  try {
    schedstat ??= openSync('/proc/thread-self/schedstat', 'r');
    const n = readSync(schedstat, buf, 0, buf.length, 0);
    // The first field, in ns, read off the bytes: no string is made twice per job.
    let ns = 0;
    for (let i = 0; i < n; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      ns = ns * 10 + d;
    }
    return ns / 1e9;
  } catch {
    return process.cpuUsage().user / 1e6; // not Linux: the process's, the best there is
  }
}

function heapInUse(): number {
  const s = getHeapStatistics();
  return s.used_heap_size + s.external_memory;
}

export class ThreadUsage {
  private readonly cpu0 = threadCpuSeconds();
  private readonly base = heapInUse();
  private readonly gc: GCProfiler | null;

  constructor(watchCollections: boolean) {
    this.gc = watchCollections ? new GCProfiler() : null;
    this.gc?.start();
  }

  /** CPU seconds and peak MB above what the thread held when measuring began. */
  stop(): { cpuTime: number; memory: number } {
    let peak = heapInUse();
    for (const g of this.gc?.stop()?.statistics ?? []) {
      const h = g.beforeGC.heapStatistics as { usedHeapSize: number; externalMemory?: number };
      peak = Math.max(peak, h.usedHeapSize + (h.externalMemory ?? 0));
    }
    return { cpuTime: Math.max(0, threadCpuSeconds() - this.cpu0), memory: Math.max(0, peak - this.base) / 2 ** 20 };
  }
}
