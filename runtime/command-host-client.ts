// The worker's side of the command host (command-host.ts): forks it on the first command, sends it commands
// and cancellations, and fails what was running if it dies (the next command forks a new one).
import { fork, type ChildProcess } from 'node:child_process';
import type { CommandTaskSpec } from '../protocol/messages.js';
import { encodeError } from '../protocol/payload.js';
import type { CommandReport } from './command-runner.js';
import type { HostReply, HostRequest } from './command-host.js';
import type { CallAbort } from './call-abort.js';
import { killLeftoversOf } from './command-containment.js';

export class CommandHost {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, (r: CommandReport) => void>();

  constructor(private readonly sandboxRoot: string, private readonly filesDir: string) {}

  /** Commands sent and not yet reported. */
  get running(): number {
    return this.pending.size;
  }

  run(spec: CommandTaskSpec, gpuIds: number[] | null, signal: CallAbort): Promise<CommandReport> {
    const child = this.start();
    return new Promise((resolve) => {
      this.pending.set(spec.id, resolve);
      child.send({ type: 'run', id: spec.id, spec, sandboxRoot: this.sandboxRoot, filesDir: this.filesDir, gpuIds } satisfies HostRequest);
      signal.once('abort', () => {
        const reason = signal.reason as { outcome?: string; message?: string } | undefined;
        child.send({ type: 'cancel', id: spec.id, reason: { outcome: reason?.outcome ?? 'cancelled', message: reason?.message ?? 'stopped' } });
      });
    });
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(new URL('./command-host.js', import.meta.url), [], {
      // Baseline code only: the host's JavaScript is glue between system calls, and optimizing it cost more CPU
      // in compiles than it saved (the first 4,000 commands of a host: 1.4-1.7 ms CPU each with TurboFan,
      // 1.1-1.2 ms without; it got back to 1.05 ms only after that).
      execArgv: [...process.execArgv, '--max-opt=1'],
      serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: HostReply) => {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m.report);
    });
    child.on('exit', (code, sig) => {
      if (this.child === child) this.child = null;
      // A host killed outright could not kill its commands: what it ran dies here.
      if ((code !== 0 || sig !== null) && child.pid !== undefined) killLeftoversOf(child.pid);
      const why = `the command host process exited (${sig ?? `code ${code}`})`;
      for (const resolve of this.pending.values()) resolve({ outcome: 'environment-failure', error: encodeError(new Error(why)) });
      this.pending.clear();
    });
    child.unref();
    (child.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    this.child = child;
    return child;
  }

  /** Closes the channel: the host kills the commands it still runs (and all they started), and exits. */
  stop(): void {
    if (this.child?.connected) this.child.disconnect();
    this.child = null;
  }
}
