// The command host: a small process of its own that the worker forks once and that starts every command
// task. Forking from a small process costs far less than from the worker (whose threads and heaps make each
// fork copy more), and the worker's own thread stays free for the protocol. Talks over the IPC channel, which
// is also how it watches the worker: the channel closes the moment the worker ends, however it ends, and the
// host then kills every command it runs (with all they started) and exits.
import { ContentCache } from './content-cache.js';
import { runCommand, type CommandReport } from './command-runner.js';
import { encodeError } from '../protocol/payload.js';
import type { CommandTaskSpec } from '../protocol/messages.js';
import { CallAbort } from './call-abort.js';
import { Containment } from './command-containment.js';

export type HostRequest =
  | { type: 'run'; id: number; spec: CommandTaskSpec; sandboxRoot: string; filesDir: string; gpuIds: number[] | null }
  | { type: 'cancel'; id: number; reason: { outcome: string; message: string } };

export interface HostReply { id: number; report: CommandReport }

const caches = new Map<string, ContentCache>();
const running = new Map<number, CallAbort>();
const contain = new Containment({ cgroup: process.env.TRELLIS_COMMAND_CGROUP !== '0' });

process.on('message', (m: HostRequest) => {
  if (m.type === 'cancel') {
    running.get(m.id)?.abort(m.reason);
    return;
  }
  let files = caches.get(m.filesDir);
  if (!files) caches.set(m.filesDir, (files = new ContentCache(m.filesDir)));
  const abort = new CallAbort();
  running.set(m.id, abort);
  runCommand(m.spec, m.sandboxRoot, files, m.gpuIds, abort, contain)
    .catch((err: Error): CommandReport => ({ outcome: 'environment-failure', error: encodeError(err) }))
    .then((report) => {
      running.delete(m.id);
      if (process.connected) process.send!({ id: m.id, report } satisfies HostReply);
    });
});

function exitNow(): never {
  contain.killAll();
  process.exit(0);
}
// The worker is gone (or stopping): its commands are not wanted any more.
process.on('disconnect', exitNow);
process.on('SIGTERM', exitNow);
// Ctrl-C in a terminal reaches the worker's whole process group, this host included: the worker decides what
// happens (it stops, and its stop closes the channel).
process.on('SIGINT', () => {});
