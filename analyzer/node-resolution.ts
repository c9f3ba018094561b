// How Node 20.19 picks files from packages, as esbuild options: the conditions it matches in
// "exports"/"imports" ("import" or "require" by the kind of import, and "default", are always
// added by esbuild) and the one legacy field it reads. Setting `conditions` also drops esbuild's
// bundler-only "module" condition, so a bundle loads the same files Node would.
import type { BuildOptions } from 'esbuild';

export const NODE_CONDITIONS = ['node', 'module-sync', 'node-addons'];

export const NODE_RESOLUTION: Pick<BuildOptions, 'conditions' | 'mainFields' | 'platform' | 'resolveExtensions'> = {
  platform: 'node',
  conditions: NODE_CONDITIONS,
  mainFields: ['main'], // Node ignores the bundlers' "module" field
  // TypeScript's order (lib.ts before lib.tsx), then Node's own.
  resolveExtensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'],
};
