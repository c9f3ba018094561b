// Arithmetic on resource amounts. Zero in a request means "nothing reserved" for that resource.
import type { ResourceAmounts } from './messages.js';

export const NO_RESOURCES: ResourceAmounts = Object.freeze({ cores: 0, memory: 0, disk: 0, gpus: 0 });

export function fitsWithin(need: ResourceAmounts, used: ResourceAmounts, total: ResourceAmounts): boolean {
  return used.cores + need.cores <= total.cores + 1e-9 && used.memory + need.memory <= total.memory &&
    used.disk + need.disk <= total.disk && used.gpus + need.gpus <= total.gpus;
}

export function addTo(acc: ResourceAmounts, r: ResourceAmounts, sign: 1 | -1): void {
  acc.cores += sign * r.cores;
  acc.memory += sign * r.memory;
  acc.disk += sign * r.disk;
  acc.gpus += sign * r.gpus;
}

export function formatResources(r: ResourceAmounts): string {
  return `cores=${r.cores} memory=${r.memory}MB disk=${r.disk}MB gpus=${r.gpus}`;
}

export function sameResources(a: ResourceAmounts, b: ResourceAmounts): boolean {
  return a.cores === b.cores && a.memory === b.memory && a.disk === b.disk && a.gpus === b.gpus;
}
