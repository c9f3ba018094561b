// A spec's http entry: a file downloaded into the environment, or a tar archive (gzipped or not)
// downloaded and unpacked there.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { extract } from 'tar';
import type { HttpSource } from './environment-spec.js';
import { sha256 } from './environment-manifest.js';
import { AnalyzerError } from './errors.js';

/** Fetches into the folder `dest`; returns the sha256 of the download and the path (relative to `dest`) the variable names. */
export async function fetchHttp(variable: string, source: HttpSource, dest: string): Promise<{ sha256: string; path: string }> {
  const fail = (what: string, cause?: unknown): never => {
    throw new AnalyzerError('TRELLIS_FETCH_FAILED', `http.${variable}: ${what} (${source.url})`, cause === undefined ? {} : { cause });
  };
  let body: Buffer;
  try {
    const res = await fetch(source.url, { redirect: 'follow' });
    if (!res.ok) fail(`GET answered ${res.status} ${res.statusText}`);
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof AnalyzerError) throw err;
    return fail(`GET failed: ${(err as Error).message}`, err);
  }
  mkdirSync(dest, { recursive: true });
  if (source.type === 'file') {
    const name = basename(new URL(source.url).pathname) || 'download';
    writeFileSync(join(dest, name), body);
    return { sha256: sha256(body), path: name };
  }
  const archive = join(dest, '..', `.${variable}.download`);
  writeFileSync(archive, body);
  try {
    // Only files and folders: links could point out of the environment.
    await extract({ file: archive, cwd: dest, strict: true, filter: (_p, e) => 'type' in e && (e.type === 'File' || e.type === 'Directory') });
  } catch (err) {
    fail(`the download is not a readable tar archive: ${(err as Error).message}`, err);
  } finally {
    rmSync(archive, { force: true });
  }
  return { sha256: sha256(body), path: '.' };
}
