// Hands out specific GPU device ids so two tasks never share a device.
export class GpuSlots {
  private free: number[];

  constructor(count: number) {
    this.free = Array.from({ length: Math.floor(count) }, (_, i) => i);
  }

  take(n: number): number[] {
    const ids = this.free.splice(0, Math.ceil(n));
    return ids;
  }

  give(ids: number[]): void {
    this.free.push(...ids);
    this.free.sort((a, b) => a - b);
  }
}
