// The manifest at the top of a packed environment: how to run it (entry, export, variables, Node
// range), the spec it was built from, and the sha256 of every file. Its `hash` — the environment's
// name — is the sha256 of the rest of the manifest in canonical JSON, so it covers every byte.
import { createHash } from 'node:crypto';
import type { EnvironmentSpec } from './environment-spec.js';
import { canonicalJson } from './canonical-json.js';

export const MANIFEST_FORMAT = 'trellis-environment/1';

export interface EnvironmentManifest {
  format: typeof MANIFEST_FORMAT;
  hash: string;
  entry: string; // the bundle, relative to the environment
  export: string | null; // the function's export in the bundle; null for a whole module
  node: string; // the Node versions it runs on (a semver range)
  env: Record<string, string>; // variable -> path relative to the environment
  sources: {
    git: Record<string, { remote: string; ref: string; commit: string }>;
    http: Record<string, { type: 'file' | 'tar'; url: string; sha256: string }>;
  };
  spec: EnvironmentSpec;
  files: Record<string, string>; // path -> sha256, every file but the manifest
}

export type UnsignedManifest = Omit<EnvironmentManifest, 'hash'>;

export function signManifest(m: UnsignedManifest): EnvironmentManifest {
  return { ...m, hash: manifestHash(m) };
}

export function manifestHash(m: UnsignedManifest | EnvironmentManifest): string {
  const { hash: _ignored, ...rest } = m as EnvironmentManifest;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
