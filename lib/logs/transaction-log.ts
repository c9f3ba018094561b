// The transaction log: one JSON line per manager event (start/end, worker connect/disconnect with the reason,
// each task state change with allocation and measurement, category allocation changes).
import { LineWriter } from './line-writer.js';
import { makeHeader } from './log-format.js';
import type { ObservedManager } from './observed-manager.js';

export interface LogHandle {
  /** Stops logging and closes the file; what was logged is on disk when it resolves. */
  close(): Promise<void>;
}

export function attachTransactionLog(manager: ObservedManager, path: string): LogHandle {
  const out = new LineWriter('transaction log', path);
  const status = manager.status();
  out.line(makeHeader('transactions', status.name));
  // Workers already connected when the log starts, so the plot knows them.
  const now = Date.now() / 1000;
  for (const w of status.workers) {
    out.line({ type: 'worker-connect', time: w.connectedAt ?? now, snapshot: true,
      worker: { id: w.id, name: w.name, host: w.host, resources: w.resources } });
  }
  const stop = manager.onEvent((e) => out.line(e));
  return {
    close: async () => {
      stop();
      out.close();
    },
  };
}
