// What a command run inside an unpacked environment sees: where the environment is, its bundle and
// export, NODE_PATH reaching its packages, and one variable per git/http entry pointing at its copy.
// Refuses a Node outside the environment's range.
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { satisfies } from 'semver';
import { AnalyzerError } from './errors.js';
import type { Unpacked } from './unpack-environment.js';

export function environmentVariables(u: Unpacked, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const m = u.manifest;
  const env: NodeJS.ProcessEnv = {
    ...base,
    TRELLIS_ENV_DIR: u.dir,
    TRELLIS_ENV_HASH: m.hash,
    TRELLIS_ENV_ENTRY: join(u.dir, m.entry),
    NODE_PATH: [join(u.dir, 'node_modules'), base.NODE_PATH].filter(Boolean).join(delimiter),
  };
  if (m.export !== null) env.TRELLIS_ENV_EXPORT = m.export;
  else delete env.TRELLIS_ENV_EXPORT;
  for (const [name, rel] of Object.entries(m.env)) env[name] = join(u.dir, rel);
  return env;
}

/** Throws unless this Node is in the environment's range. */
export function checkNodeVersion(u: Unpacked, version = process.versions.node): void {
  if (!satisfies(version, u.manifest.node, { includePrerelease: true })) {
    throw new AnalyzerError(
      'TRELLIS_NODE_VERSION',
      `environment ${u.manifest.hash.slice(0, 12)} needs Node ${u.manifest.node}, but this is Node ${version}`,
    );
  }
}

/** $TRELLIS_CACHE/envs, else $XDG_CACHE_HOME/trellis/envs, else ~/.cache/trellis/envs. */
export function defaultEnvironmentCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRELLIS_CACHE && env.TRELLIS_CACHE !== 'off') return join(resolve(env.TRELLIS_CACHE), 'envs');
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'trellis', 'envs');
}
