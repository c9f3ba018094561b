// Keeps every process a command starts within reach, so that all of them die when the command ends — however
// it ends, and whatever they do to get away (background jobs, double forks, setsid, ignoring SIGTERM).
//
// Each command is its own session and process group (spawned detached) and carries a marker in its
// environment (TRELLIS_COMMAND=<host pid>:<command id>) that its descendants inherit. When it ends, its group
// is killed, and then whatever else belongs to no running command:
// - 'cgroup' mode, where the command host may make a cgroup v2 of its own: the host moves itself into it, so
//   every command and every descendant is in it from birth and none can leave (only the host could move
//   them). A process there in no running command's session and with no running command's marker is left
//   over, and is killed at once.
// - 'session' mode, elsewhere: the same test over all of /proc, by marker only, batched (at most one scan per
//   SWEEP_MS per host, since a scan reads every process's environment). A process that both leaves its
//   session and clears its environment escapes this mode.
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MARKER_VAR = 'TRELLIS_COMMAND';
export type ContainmentMode = 'cgroup' | 'session';

/** How long after a command ends a session-mode scan may come (and the least time between two). */
const SWEEP_MS = 200;
/** Scans of /proc take at most this share of the host's time (a machine with many processes scans slower). */
const SWEEP_SHARE = 0.05;
const CGROUP_PREFIX = 'trellis-commands-';

/** Session id of a live (not zombie) process; null once it is gone or a zombie. */
function liveSession(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ', 4);
    // f[0] is field 3 (state), f[3] field 6 (session).
    return f[0] === 'Z' || f[0] === 'X' ? null : Number(f[3]);
  } catch {
    return null;
  }
}

/** The marker in a process's environment ("<host pid>:<command id>"), or null. */
export function markerOf(pid: number | string): string | null {
  let env: string;
  try { env = readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch { return null; }
  const key = `${MARKER_VAR}=`;
  const at = env.startsWith(key) ? 0 : env.indexOf(`\0${key}`) + 1;
  if (at === 0 && !env.startsWith(key)) return null;
  const end = env.indexOf('\0', at);
  return env.slice(at + key.length, end < 0 ? env.length : end);
}

function kill(pid: number): void {
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Every process on the machine (but this one) whose marker names a command of `hostPid` that `keep` does
 * not accept: one scan of /proc. */
function killMarked(hostPid: number, keep: (id: number) => boolean): number {
  const prefix = `${hostPid}:`;
  let killed = 0;
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57 || Number(name) === process.pid) continue;
    const m = markerOf(name);
    if (m === null || !m.startsWith(prefix) || keep(Number(m.slice(prefix.length)))) continue;
    kill(Number(name));
    killed++;
  }
  return killed;
}

/** This process's cgroup v2 directory, or null when there is no v2 hierarchy. */
export function ownCgroupDir(): string | null {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
    if (!line) return null;
    const path = line.slice(3);
    for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const parts = l.split(' ');
      const dash = parts.indexOf('-');
      if (dash < 0 || parts[dash + 1] !== 'cgroup2') continue;
      const root = parts[3];
      const mount = parts[4];
      if (root === '/') return join(mount, path);
      if (path === root || path.startsWith(`${root}/`)) return join(mount, path.slice(root.length));
    }
  } catch { /* not Linux, or no /proc */ }
  return null;
}

function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'latin1').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Moves this process into a new cgroup under its own; null where that is not allowed. */
function enterOwnCgroup(): { dir: string; parent: string } | null {
  const parent = ownCgroupDir();
  if (!parent) return null;
  // A host killed outright leaves an empty cgroup behind: removing one that is in use fails (EBUSY).
  try {
    for (const name of readdirSync(parent)) if (name.startsWith(CGROUP_PREFIX)) try { rmdirSync(join(parent, name)); } catch { /* in use */ }
  } catch { /* unreadable */ }
  const dir = join(parent, `${CGROUP_PREFIX}${process.pid}`);
  try {
    mkdirSync(dir);
  } catch {
    return null;
  }
  try {
    writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
    return { dir, parent };
  } catch {
    try { rmdirSync(dir); } catch { /* leave it */ }
    return null;
  }
}

/** Sleeps the thread (the host is exiting, or cleaning up after a dead host: nothing else to do meanwhile). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Kills everything in a cgroup but this process, and removes it once empty (waits up to about a second). */
function emptyCgroup(dir: string, remove: boolean): void {
  for (let round = 0; round < 200; round++) {
    const pids = cgroupPids(dir).filter((p) => p !== process.pid);
    if (pids.length === 0) break;
    for (const p of pids) kill(p);
    pause(5);
  }
  if (!remove) return;
  for (let round = 0; round < 50; round++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      pause(5);
    }
  }
}

export class Containment {
  readonly mode: ContainmentMode;
  private readonly cgroup: { dir: string; parent: string } | null;
  /** Running commands: id → leader pid, which is also their session and process group id. */
  private readonly leaders = new Map<number, number>();
  private readonly sessions = new Set<number>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private lastSweep = 0;
  private sweepGap = SWEEP_MS;

  /** `cgroup: false` keeps to session mode (the worker's environment can ask for it: TRELLIS_COMMAND_CGROUP=0). */
  constructor(opts: { cgroup?: boolean } = {}) {
    this.cgroup = opts.cgroup === false ? null : enterOwnCgroup();
    this.mode = this.cgroup ? 'cgroup' : 'session';
  }

  /** The value of MARKER_VAR for a command. */
  marker(id: number): string {
    return `${process.pid}:${id}`;
  }

  started(id: number, pid: number): void {
    this.leaders.set(id, pid);
    this.sessions.add(pid);
  }

  /** Kills a running command's process group now (wall time, cancellation, a limit): the rest goes at its end. */
  killGroup(id: number): void {
    const leader = this.leaders.get(id);
    if (leader !== undefined) try { process.kill(-leader, 'SIGKILL'); } catch { /* all gone */ }
  }

  /** The command's leader has exited: kill what it left behind. Resolves once those it could name (cgroup
   * mode) are dead, at once when there were none. */
  ended(id: number): Promise<void> | null {
    const leader = this.leaders.get(id);
    if (!this.cgroup) this.killGroup(id);
    this.leaders.delete(id);
    if (leader !== undefined) this.sessions.delete(leader);
    if (!this.cgroup) {
      this.sweepSoon();
      return null;
    }
    // Its group is now in no running command's session: the one read of the cgroup finds it with the rest.
    const killed = this.killStrays();
    // A process this command forked while that read was made is not in it: look for its marker again soon
    // (only this command's marker, so no command starting meanwhile can be touched).
    for (const ms of [50, 500]) setTimeout(() => this.killMarkedInCgroup(id), ms).unref();
    return killed.length === 0 ? null : this.gone(killed);
  }

  private killMarkedInCgroup(id: number): void {
    if (!this.cgroup || this.running(id)) return;
    const want = this.marker(id);
    for (const pid of cgroupPids(this.cgroup.dir)) {
      if (pid !== process.pid && !this.sessions.has(pid) && markerOf(pid) === want) kill(pid);
    }
  }

  /** Waits (up to about a second) until none of these processes is alive; kills them again meanwhile. */
  private async gone(pids: number[]): Promise<void> {
    for (let round = 0; round < 500 && pids.length > 0; round++) {
      await new Promise((r) => setTimeout(r, 2));
      pids = pids.filter((p) => liveSession(p) !== null);
      for (const p of pids) kill(p);
    }
  }

  private running(id: number): boolean {
    return this.leaders.has(id);
  }

  /** Cgroup mode: everything in the host's cgroup that belongs to no running command. */
  private killStrays(): number[] {
    const prefix = `${process.pid}:`;
    const killed: number[] = [];
    for (const pid of cgroupPids(this.cgroup!.dir)) {
      // A running command's leader is its own session: no need to read its stat.
      if (pid === process.pid || this.sessions.has(pid)) continue;
      const sid = liveSession(pid);
      if (sid === null || this.sessions.has(sid)) continue;
      const m = markerOf(pid);
      if (m !== null && m.startsWith(prefix) && this.running(Number(m.slice(prefix.length)))) continue;
      kill(pid);
      killed.push(pid);
    }
    return killed;
  }

  private sweepSoon(): void {
    if (this.sweepTimer) return;
    const wait = Math.max(0, Math.min(this.sweepGap, this.lastSweep + this.sweepGap - Date.now()));
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      const t0 = performance.now();
      killMarked(process.pid, (id) => this.running(id));
      this.lastSweep = Date.now();
      this.sweepGap = Math.max(SWEEP_MS, (performance.now() - t0) / SWEEP_SHARE);
    }, wait);
    this.sweepTimer.unref();
  }

  /** The host is going: every command and all they started die now; the cgroup is left as found. */
  killAll(): void {
    for (const leader of this.leaders.values()) try { process.kill(-leader, 'SIGKILL'); } catch { /* gone */ }
    this.leaders.clear();
    this.sessions.clear();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    if (this.cgroup) {
      emptyCgroup(this.cgroup.dir, false);
      try {
        // Back to where it came from, so the cgroup it made can go.
        writeFileSync(join(this.cgroup.parent, 'cgroup.procs'), String(process.pid));
        rmdirSync(this.cgroup.dir);
      } catch { /* the next host removes it */ }
    } else {
      killMarked(process.pid, () => false);
      // A fork that was under way during that scan (a subshell starting a setsid child) shows up just after.
      pause(20);
      killMarked(process.pid, () => false);
    }
  }
}

/** The worker's cleanup after a command host that died without cleaning up (killed outright). */
export function killLeftoversOf(hostPid: number): void {
  const parent = ownCgroupDir();
  if (parent) emptyCgroup(join(parent, `${CGROUP_PREFIX}${hostPid}`), true);
  killMarked(hostPid, () => false);
}
