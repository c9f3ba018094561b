// Command tasks with files: each task gets an input file in its own sandbox on a worker, runs a shell
// command there, and its output file comes back to the path the application named.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandTask, Manager } from '../lib/index.js';

const dir = mkdtempSync(join(tmpdir(), 'trellis-example-'));
const manager = Manager.local();
const words = ['alpha', 'beta', 'gamma'];
for (const word of words) {
  writeFileSync(join(dir, `${word}.txt`), `${word}\n`.repeat(3));
  manager.submit(new CommandTask('tr a-z A-Z < in.txt > out.txt && wc -l < out.txt')
    .addInput(join(dir, `${word}.txt`), 'in.txt')
    .addOutput('out.txt', join(dir, `${word}.upper.txt`))
    .setOptions({ category: 'upper', memory: 100, disk: 10 }));
}
for (let t = await manager.wait(60); t; t = await manager.wait(60)) {
  const c = t as CommandTask;
  console.log(`task ${c.id}: ${c.result}, exit ${c.exitCode}, ${c.stdout.trim()} lines`);
}
for (const word of words) console.log(`${word}.upper.txt: ${readFileSync(join(dir, `${word}.upper.txt`), 'utf8').split('\n')[0]}`);
await manager.close();
