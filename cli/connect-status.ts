// What `trellis worker` shows while it cannot reach its manager: the first failure at once, then one status
// line kept up to date on a terminal (a line every 10 s elsewhere, so logs stay short).
import type { ConnectRetry } from '../runtime/worker.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** "connection refused" rather than "connect ECONNREFUSED 127.0.0.1:9999". */
export function plainReason(error: string): string {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'timed out', ENOTFOUND: 'host not found', EAI_AGAIN: 'host name lookup failed', ECONNRESET: 'connection reset',
  };
  const code = Object.keys(codes).find((c) => error.includes(c));
  return code ? codes[code] : error;
}

export function connectStatus(stream: NodeJS.WriteStream, verbosity: Verbosity): {
  onRetry: (r: ConnectRetry) => void;
  /** Ends the status line (the worker connected, or gave up). */
  done: () => void;
} {
  const live = stream.isTTY === true && verbosity === 'normal';
  let shown = false;
  let lastPrinted = -Infinity;
  return {
    onRetry(r) {
      if (verbosity === 'quiet') return;
      const line = `trellis worker: retrying ${r.address} (${plainReason(r.error)}), ${Math.round(r.elapsed)} s of ${r.limit}`;
      if (!shown) stream.write(`trellis worker: cannot reach the manager at ${r.address}: ${plainReason(r.error)}; ` +
        `trying again for ${r.limit} s\n`);
      if (live) stream.write(`\r\x1b[2K${line}`);
      else if (verbosity === 'verbose' || r.elapsed - lastPrinted >= 10) {
        if (shown) stream.write(`${line}\n`);
        lastPrinted = r.elapsed;
      }
      shown = true;
    },
    done() {
      if (live && shown) stream.write('\n');
      shown = false;
    },
  };
}
