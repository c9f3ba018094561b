// What the factory needs from a batch system: submit a worker job, see which of its jobs are still alive,
// cancel some. SLURM and local processes implement it; HTCondor or PBS would too (see the README).

export interface WorkerJobSpec {
  /** The worker command line: node, the trellis CLI, `worker HOST:PORT` and its options, without --name. */
  argv: string[];
  /** Each worker is named namePrefix + its job id, so the factory can tell which connected worker is which job. */
  namePrefix: string;
  cores: number;
  memory: number;
  disk: number | null;
  gpus: number;
}

export type JobState = 'pending' | 'running';

export interface BatchSystem {
  readonly name: string;
  /** Submits one worker job; resolves with its id. */
  submit(spec: WorkerJobSpec): Promise<string>;
  /** States of this factory's jobs still queued or running (jobs not in the map are gone). */
  poll(): Promise<Map<string, JobState>>;
  cancel(ids: string[]): Promise<void>;
}
