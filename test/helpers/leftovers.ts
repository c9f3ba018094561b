// Counts live processes by a marker in their command line, read from /proc (zombies are dead: not counted).
import { readdirSync, readFileSync } from 'node:fs';

/** A number no other test run uses, to put in a command line (e.g. `sleep 7775.<n>`). */
export function uniqueMarker(): string {
  return `${process.pid}${Math.floor(Math.random() * 1e6).toString().padStart(6, '0')}`;
}

/** Live processes with `marker` in their command line; with `program`, only those running it (argv[0]). */
export function leftovers(marker: string, program?: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (cmdline.includes(marker) && (program === undefined || cmdline.startsWith(`${program}\0`))) out.push(pid);
    } catch { /* gone meanwhile */ }
  }
  return out;
}
