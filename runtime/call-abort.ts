// A stop handle for a job of function calls. Piscina accepts any emitter with once/off and reads `aborted`
// and `reason`; this one holds its single listener in a field, where an AbortController would build an
// EventTarget, a listener map and an Event per call — most of what a short call costs the worker.
export class CallAbort {
  aborted = false;
  reason: unknown = undefined;
  private listener: (() => void) | null = null;

  once(_event: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  off(_event: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = null;
  }

  /** Piscina's name for off() at run time. */
  removeListener(event: 'abort', listener: () => void): void {
    this.off(event, listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const l = this.listener;
    this.listener = null;
    l?.();
  }
}
