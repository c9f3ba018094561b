// The embedded worker of Manager.local(): the worker side runs in this process and talks to the manager over
// loopback through the protocol, like any worker. It is loaded by module URL so that the manager side imports
// nothing from runtime/ (the lint rules hold the two sides apart).

export interface EmbeddedWorker {
  /** Resolves once the worker has stopped. */
  done: Promise<void>;
  stop(reason: string): void;
}

interface WorkerLike {
  run(): Promise<string>;
  stop(reason: string): void;
}

const WORKER_MODULE = new URL('../../runtime/worker.js', import.meta.url).href;

export function startEmbeddedWorker(options: Record<string, unknown>, onError: (message: string) => void): EmbeddedWorker {
  let worker: WorkerLike | null = null;
  let stopped: string | null = null;
  const done = import(WORKER_MODULE)
    .then((mod: { Worker: new (o: Record<string, unknown>) => WorkerLike }) => {
      worker = new mod.Worker(options);
      if (stopped !== null) worker.stop(stopped);
      return worker.run();
    })
    .then(() => {}, (err: Error) => onError(`trellis: the embedded worker stopped: ${err.message}`));
  return {
    done,
    stop(reason) {
      stopped = reason;
      worker?.stop(reason);
    },
  };
}
