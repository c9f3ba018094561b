// The command host: a small process of its own that the worker forks once and that starts every command
// task. Forking from a small process costs far less than from the worker (whose threads and heaps make each
// fork copy more), and the worker's own thread stays free for the protocol. Talks over the IPC channel.
import { ContentCache } from './content-cache.js';
import { runCommand, type CommandReport } from './command-runner.js';
import { encodeError } from '../lib/protocol/payload.js';
import type { CommandTaskSpec } from '../lib/protocol/messages.js';
import { CallAbort } from './call-abort.js';

export type HostRequest =
  | { type: 'run'; id: number; spec: CommandTaskSpec; sandboxRoot: string; filesDir: string; gpuIds: number[] | null }
  | { type: 'cancel'; id: number; reason: { outcome: string; message: string } };

export interface HostReply { id: number; report: CommandReport }

const caches = new Map<string, ContentCache>();
const running = new Map<number, CallAbort>();

process.on('message', (m: HostRequest) => {
  if (m.type === 'cancel') {
    running.get(m.id)?.abort(m.reason);
    return;
  }
  let files = caches.get(m.filesDir);
  if (!files) caches.set(m.filesDir, (files = new ContentCache(m.filesDir)));
  const abort = new CallAbort();
  running.set(m.id, abort);
  runCommand(m.spec, m.sandboxRoot, files, m.gpuIds, abort)
    .catch((err: Error): CommandReport => ({ outcome: 'environment-failure', error: encodeError(err) }))
    .then((report) => {
      running.delete(m.id);
      process.send!({ id: m.id, report } satisfies HostReply);
    });
});
// The worker is gone: stop the commands still running (each is killed through its stop handle), then exit.
process.on('disconnect', () => {
  for (const abort of running.values()) abort.abort({ outcome: 'cancelled', message: 'the worker stopped' });
  setTimeout(() => process.exit(0), running.size > 0 ? 200 : 0);
});
