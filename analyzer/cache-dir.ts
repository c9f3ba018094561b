// Where the application side keeps what it computed (bundles, analyses): $TRELLIS_CACHE if set,
// else node_modules/.cache/trellis of the application (the folder tools conventionally share),
// else the system's temporary folder. TRELLIS_CACHE=off turns caching off.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export function applicationCacheDir(from: string): string | undefined {
  const configured = process.env.TRELLIS_CACHE;
  if (configured === 'off') return undefined;
  if (configured) return resolve(configured);
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules', '.cache', 'trellis');
    if (dirname(d) === d) return join(tmpdir(), 'trellis-cache');
  }
}
