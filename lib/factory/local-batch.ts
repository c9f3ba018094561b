// Workers as local processes: for trying the factory on one machine, and for tests without a batch system.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchSystem, JobState, WorkerJobSpec } from './batch-system.js';

export class LocalBatch implements BatchSystem {
  readonly name = 'local';
  private next = 1;
  private readonly children = new Map<string, ChildProcess>();

  constructor(private readonly scratchDir: string) {}

  async submit(spec: WorkerJobSpec): Promise<string> {
    const id = String(this.next++);
    const log = openSync(join(this.scratchDir, `worker-${id}.log`), 'a');
    try {
      const [cmd, ...args] = spec.argv;
      const child = spawn(cmd, [...args, '--name', `${spec.namePrefix}${id}`], { stdio: ['ignore', log, log] });
      this.children.set(id, child);
      child.once('exit', () => this.children.delete(id));
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', (err) => reject(new Error(`cannot start a local worker (${cmd}): ${err.message}`)));
      });
    } finally {
      closeSync(log);
    }
    return id;
  }

  async poll(): Promise<Map<string, JobState>> {
    return new Map([...this.children.keys()].map((id) => [id, 'running' as JobState]));
  }

  async cancel(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => {
      const child = this.children.get(id);
      if (!child) return undefined;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      return gone;
    }));
  }
}
