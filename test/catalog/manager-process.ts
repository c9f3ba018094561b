// A real manager process for the catalog tests: named, advertised to the catalog in TRELLIS_CATALOG, with
// `count` command tasks waiting. It prints "port N", and "finished" once every task is done, then closes.
import { Manager, CommandTask } from '../../lib/index.js';

const [project = 'test', countText = '2', seconds = '0'] = process.argv.slice(2);
const manager = new Manager({ name: project, host: '127.0.0.1', port: 0, log: false, catalog: process.env.TRELLIS_CATALOG ? { address: process.env.TRELLIS_CATALOG, interval: 0.5 } : null });
const port = await manager.listen();
console.log(`port ${port}`);
for (let i = 0; i < Number(countText); i++) manager.submit(new CommandTask(`sleep ${seconds}; echo ${project}-${i}`, { cores: 1 }));
let done = 0;
while (done < Number(countText)) {
  const t = await manager.wait();
  if (!t) break;
  done++;
  console.log(`done ${t.id} ${t.state}`);
}
console.log('finished');
await manager.close();
