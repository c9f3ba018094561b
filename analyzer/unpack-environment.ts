// Unpacks an environment archive once per node: into <cache>/<hash> (or a chosen folder), under a
// lock so that concurrent runs wait for the first one instead of unpacking again, and only after
// every file checks against the manifest's sha256 — a truncated or altered archive is refused.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { extract, list } from 'tar';
import { MANIFEST_FILE } from './environment-layout.js';
import { MANIFEST_FORMAT, manifestHash, sha256, type EnvironmentManifest } from './environment-manifest.js';
import { AnalyzerError } from './errors.js';
import { listFiles } from './list-files.js';

export interface UnpackOptions {
  /** Unpack into <cacheDir>/<hash>. */
  cacheDir?: string;
  /** Unpack into exactly this folder (which must be missing, empty, or hold this environment). */
  into?: string;
}

export interface Unpacked {
  dir: string;
  manifest: EnvironmentManifest;
  /** False when the environment was already there (unpacked by an earlier or concurrent run). */
  unpacked: boolean;
}

const COMPLETE = '.trellis-complete'; // written last: its presence means the folder is whole and verified

export async function unpackEnvironment(archive: string, options: UnpackOptions): Promise<Unpacked> {
  const file = resolve(archive);
  if (!existsSync(file)) throw bad(file, 'no such file');
  const manifest = await readArchiveManifest(file);
  const dest = options.into !== undefined ? resolve(options.into) : join(resolve(options.cacheDir ?? '.'), manifest.hash);
  if (isComplete(dest, manifest.hash)) return { dir: dest, manifest, unpacked: false };
  mkdirSync(dirname(dest), { recursive: true });
  const release = await lock(dest, {
    lockfilePath: `${dest}.lock`,
    realpath: false,
    stale: 30_000, // a lock not refreshed for this long belongs to a process that died
    retries: { retries: 2_000, factor: 1, minTimeout: 25, maxTimeout: 100 },
  });
  try {
    if (isComplete(dest, manifest.hash)) return { dir: dest, manifest, unpacked: false };
    if (existsSync(dest) && readdirSync(dest).length > 0) {
      if (options.into !== undefined) {
        throw new AnalyzerError('TRELLIS_BAD_ARCHIVE', `cannot unpack ${file} into ${dest}: expected a missing or empty folder, got one with other files`);
      }
      rmSync(dest, { recursive: true, force: true }); // the remains of an unpack that died midway
    }
    const tmp = `${dest}.partial-${process.pid}-${Date.now()}`;
    try {
      mkdirSync(tmp, { recursive: true });
      await extractVerified(file, tmp, manifest);
      writeFileSync(join(tmp, COMPLETE), manifest.hash);
      rmSync(dest, { recursive: true, force: true });
      renameSync(tmp, dest);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return { dir: dest, manifest, unpacked: true };
  } finally {
    await release();
  }
}

/** The manifest, read from the archive (the whole archive is read, so a truncated one fails here). */
export async function readArchiveManifest(file: string): Promise<EnvironmentManifest> {
  const chunks: Buffer[] = [];
  try {
    await list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if (entry.path === MANIFEST_FILE) entry.on('data', (c: Buffer) => chunks.push(c));
        else entry.resume();
      },
    });
  } catch (err) {
    throw bad(file, `truncated or corrupt (${(err as Error).message})`, err);
  }
  if (chunks.length === 0) throw bad(file, `no ${MANIFEST_FILE} in it: not a trellis environment`);
  let manifest: EnvironmentManifest;
  try {
    manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EnvironmentManifest;
  } catch (err) {
    throw bad(file, `its ${MANIFEST_FILE} is not JSON`, err);
  }
  if (manifest.format !== MANIFEST_FORMAT || typeof manifest.files !== 'object' || !/^[0-9a-f]{64}$/.test(String(manifest.hash))) {
    throw bad(file, `expected a manifest of format ${MANIFEST_FORMAT}, got format ${JSON.stringify(manifest.format)}`);
  }
  if (manifestHash(manifest) !== manifest.hash) {
    throw bad(file, `its manifest says hash ${manifest.hash} but its contents hash to ${manifestHash(manifest)}; refusing it`);
  }
  return manifest;
}

async function extractVerified(file: string, dir: string, manifest: EnvironmentManifest): Promise<void> {
  const refused: string[] = [];
  try {
    await extract({
      file,
      cwd: dir,
      strict: true,
      // Only files and folders: a link could point outside the environment.
      filter: (path, entry) => {
        const ok = !('type' in entry) || entry.type === 'File' || entry.type === 'Directory';
        if (!ok) refused.push(path);
        return ok;
      },
    });
  } catch (err) {
    throw bad(file, `truncated or corrupt (${(err as Error).message})`, err);
  }
  if (refused.length > 0) throw bad(file, `it holds entries that are neither files nor folders: ${refused.join(', ')}`);
  const onDisk = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  if (manifestHash(JSON.parse(onDisk) as EnvironmentManifest) !== manifest.hash) throw bad(file, 'its manifest changed between two reads');
  const expected = new Set(Object.keys(manifest.files));
  for (const f of listFiles(dir)) {
    const rel = relative(dir, f).split('\\').join('/');
    if (rel === MANIFEST_FILE) continue;
    if (!expected.delete(rel)) throw bad(file, `it holds ${rel}, which its manifest does not list; refusing it`);
    const got = sha256(readFileSync(f));
    if (got !== manifest.files[rel]) throw bad(file, `${rel}: expected sha256 ${manifest.files[rel]}, got ${got}; refusing it`);
  }
  if (expected.size > 0) throw bad(file, `files listed in its manifest are missing: ${[...expected].slice(0, 5).join(', ')}`);
}

function isComplete(dir: string, hash: string): boolean {
  try {
    return readFileSync(join(dir, COMPLETE), 'utf8') === hash;
  } catch {
    return false;
  }
}

function bad(file: string, what: string, cause?: unknown): AnalyzerError {
  return new AnalyzerError('TRELLIS_BAD_ARCHIVE', `environment archive ${file}: ${what}`, { file, ...(cause === undefined ? {} : { cause }) });
}
