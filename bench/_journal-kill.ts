// Helper of bench/journal.ts, run as its own process: submits tasks to a journaled manager (in one burst, or
// in chunks with a turn of the event loop between them) and kills itself with SIGKILL right after the last.
import { Manager, FunctionTask } from '../lib/index.js';

function noop(): null {
  return null;
}

const [journal, countArg, chunkArg] = process.argv.slice(2);
const count = Number(countArg);
const chunk = Number(chunkArg);
const m = new Manager({ journal, host: '127.0.0.1', port: 0, log: false });
await m.listen();
// The function is bundled on its first call: one call first, so the burst is all journaled submissions.
m.submit(new FunctionTask(noop));
while (m.status().tasks.waiting === 0) await new Promise((r) => setTimeout(r, 10));
for (let done = 0; done < count;) {
  for (const end = Math.min(count, done + chunk); done < end; done++) m.submit(new FunctionTask(noop));
  if (done < count) await new Promise((r) => setImmediate(r));
}
process.kill(process.pid, 'SIGKILL');
