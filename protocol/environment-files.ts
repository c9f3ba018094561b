// The files an environment carries besides its bundle (data files, native addons, packages left
// unbundled), and the environment's name: the sha256 of its bundle alone when it has no files (as
// before files travelled), else of the bundle and the list of (path, content hash, mode). Both sides
// compute it: the manager to name the environment, the worker to check what it lays out.
import { createHash } from 'node:crypto';

/** One file of an environment: where it goes (relative to the bundle's folder) and its content's sha256. */
export interface EnvFile {
  path: string;
  hash: string;
  /** Kept executable (a prebuilt helper binary a package spawns). */
  executable?: boolean;
}

export function environmentHash(code: string, files: readonly EnvFile[] | undefined): string {
  const h = createHash('sha256').update(code);
  if (files && files.length > 0) {
    h.update('\0trellis-environment-files\n');
    for (const f of files) h.update(`${f.hash} ${f.executable ? 'x' : '-'} ${f.path}\n`);
  }
  return h.digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;
/** Names a bundle, or one of its compile caches, takes at the top of an environment's folder. */
const RESERVED = /^(bundle\.(cjs|mjs)(\..*)?|\.trellis-.*)$/;

/** What is wrong with a file list received from a peer (paths that would leave the folder...), or null. */
export function envFilesProblem(files: unknown): string | null {
  if (files === undefined) return null;
  if (!Array.isArray(files)) return `"files" expects an array of {path, hash}, got ${typeof files}`;
  const seen = new Set<string>();
  for (const [i, f] of files.entries()) {
    if (f === null || typeof f !== 'object') return `"files[${i}]" expects {path, hash}, got ${f === null ? 'null' : typeof f}`;
    const { path, hash, executable } = f as Record<string, unknown>;
    if (typeof hash !== 'string' || !HASH.test(hash)) return `"files[${i}].hash" expects 64 hex digits, got ${JSON.stringify(hash)}`;
    if (executable !== undefined && typeof executable !== 'boolean') return `"files[${i}].executable" expects a boolean, got ${typeof executable}`;
    if (typeof path !== 'string' || path.length === 0 || path.length > 4096) return `"files[${i}].path" expects a relative path, got ${JSON.stringify(path)}`;
    const parts = path.split('/');
    if (path.includes('\\') || path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..') || RESERVED.test(parts[0]!)) {
      return `"files[${i}].path" expects a relative path inside the environment (no '..', '.', empty or reserved parts), got ${JSON.stringify(path)}`;
    }
    if (seen.has(path)) return `"files[${i}].path" names ${JSON.stringify(path)} twice`;
    seen.add(path);
  }
  return null;
}
