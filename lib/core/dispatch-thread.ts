// The dispatcher thread: runs the dispatch core (server, worker links, placement, results) so that tasks go
// out and results come in while the application's thread is busy. Talks to the Manager by batched messages.
import { parentPort, workerData } from 'node:worker_threads';
import { InlineCore } from './inline-core.js';
import type { CoreOptions } from './types.js';
import type { CheckedResult } from './result-payload.js';
import type { FromDispatcher, ToDispatcher } from './thread-messages.js';

const port = parentPort!;
const core = new InlineCore(workerData as CoreOptions);
let outbox: FromDispatcher[] = [];
let flushQueued = false;

function post(m: FromDispatcher): void {
  outbox.push(m);
  if (flushQueued) return;
  flushQueued = true;
  // Everything reported in one run of the core (a socket read carrying many results) goes in one message,
  // with a status snapshot as of that moment, so status() agrees with the results the application has.
  queueMicrotask(() => {
    flushQueued = false;
    outbox.push({ op: 'status', s: core.status() });
    const batch = outbox;
    outbox = [];
    port.postMessage(batch);
  });
}

core.onDone = (d) => {
  // The value goes over as its bytes, decoded again in the application's thread (as it was checked here).
  if (d.report) delete (d.report as CheckedResult).decoded;
  post({ op: 'done', d });
};
core.onEvent = (e) => post({ op: 'event', e });
core.onLog = (line) => post({ op: 'log', line });
// Workers connect and resources change without any result: refresh the snapshot now and then too.
setInterval(() => post({ op: 'status', s: core.status() }), 100);
// The application's process decides when to exit; inside this thread the links may always stay referenced.
core.setActive(true);

port.on('message', (batch: ToDispatcher[]) => {
  for (const m of batch) {
    switch (m.op) {
      case 'listen':
        core.listen().then((p) => post({ op: 'listening', port: p }), (err: Error) => post({ op: 'listen-failed', message: err.message }));
        break;
      case 'env': core.addEnv(m.hash, m.code, m.files); break;
      case 'file': core.addFile(m.hash, m.data); break;
      case 'add': core.add(m.rec); break;
      case 'cancel': core.cancel(m.id); break;
      case 'tune': core.tune(m.name, m.value); break;
      case 'category': core.setCategory(m.name, m.what, m.value); break;
      case 'events': core.setEventsWanted(m.wanted); break;
      case 'close':
        core.close().then(() => post({ op: 'closed' }));
        break;
    }
  }
  post({ op: 'ack' });
});
