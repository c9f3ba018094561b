// A spec's git entry: the repository cloned at its ref into the environment, without .git
// (the checkout is what the function reads; the history would only make the archive vary).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AnalyzerError } from './errors.js';
import type { GitSource } from './environment-spec.js';

const run = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo' }; // never wait for a password

/** Clones into `dest` (which must not exist) and returns the commit checked out. */
export async function fetchGit(variable: string, source: GitSource, dest: string): Promise<string> {
  const git = async (args: string[]): Promise<string> => (await run('git', args, { env: GIT_ENV, maxBuffer: 16 << 20 })).stdout.trim();
  const step = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      const detail = ((err as { stderr?: string }).stderr || (err as Error).message).trim();
      throw new AnalyzerError(
        'TRELLIS_FETCH_FAILED',
        `git.${variable}: cannot ${what} (remote ${source.remote}, ref ${source.ref}): ${detail}`,
        { cause: err },
      );
    }
  };
  await step('clone the repository', () => git(['-c', 'core.autocrlf=false', 'clone', '--quiet', '--no-checkout', '--', source.remote, dest]));
  // A branch other than the default one exists only as origin/<ref> in a fresh clone.
  await step(`check out '${source.ref}'`, () =>
    git(['-C', dest, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', source.ref]).catch(() =>
      git(['-C', dest, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', `origin/${source.ref}`]),
    ),
  );
  const commit = await step('read the commit', () => git(['-C', dest, 'rev-parse', 'HEAD']));
  rmSync(join(dest, '.git'), { recursive: true, force: true });
  return commit;
}
