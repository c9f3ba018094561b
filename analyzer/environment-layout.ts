// Where things go inside a packed environment: the bundle at the top (so that `node_modules/`
// beside it is where its external imports resolve), data files under `files/` at their path
// relative to the project root, native packages under `node_modules/` as they were installed.
import { relative, sep } from 'node:path';

export const BUNDLE_FILE = 'bundle.mjs';
export const MANIFEST_FILE = 'manifest.json';

/** `abs` relative to `root`, with forward slashes (how specs and manifests name files). */
export function projectPath(abs: string, root: string): string {
  return relative(root, abs).split(sep).join('/');
}

/** Where a data file of the application lives in the environment (`../` becomes `__up__/`). */
export function dataPathInEnv(abs: string, root: string): string {
  const rel = projectPath(abs, root);
  return `files/${rel.replace(/^(\.\.\/)+/, (ups) => '__up__/'.repeat(ups.length / 3)).replace(/^\.\.$/, '__up__')}`;
}

/**
 * Where an installed package folder lives in the environment: its path from the first node_modules on;
 * a package of a pnpm store (node_modules/.pnpm/<name>@<version>/node_modules/<name>, reached through
 * links) goes flat to node_modules/<name>, where the bundle and the packages beside it look for it.
 */
export function packagePathInEnv(dir: string, name: string): string {
  if (dir.includes(`${sep}node_modules${sep}.pnpm${sep}`)) return `node_modules/${name}`;
  const parts = dir.split(sep);
  const at = parts.indexOf('node_modules');
  return at < 0 ? `node_modules/${name}` : parts.slice(at).join('/');
}
