// What this node offers when the user does not say: its cores, memory, free disk under the cache folder,
// and the NVIDIA GPUs the driver lists.
import { availableParallelism, totalmem } from 'node:os';
import { statfsSync, readdirSync, mkdirSync } from 'node:fs';
import type { ResourceAmounts } from '../protocol/messages.js';

export function detectResources(cacheDir: string): ResourceAmounts {
  return { cores: availableParallelism(), memory: Math.floor(totalmem() / 2 ** 20), disk: freeDiskMB(cacheDir), gpus: countGpus() };
}

function freeDiskMB(dir: string): number {
  try {
    mkdirSync(dir, { recursive: true });
    const s = statfsSync(dir);
    return Math.floor((s.bavail * s.bsize) / 2 ** 20);
  } catch {
    return 0;
  }
}

function countGpus(): number {
  try {
    return readdirSync('/proc/driver/nvidia/gpus').length;
  } catch {
    return 0;
  }
}
