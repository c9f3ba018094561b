// The environment spec: the JSON description of what a function (or module) needs, as
// `trellis analyze --json` prints it and `trellis pack SPEC.json` reads it. Paths are relative to
// the project root (`root`, itself relative to the spec file, default: the spec file's folder).
import { validRange } from 'semver';
import { AnalyzerError } from './errors.js';

export interface GitSource {
  remote: string;
  ref: string;
}

export interface HttpSource {
  type: 'file' | 'tar';
  url: string;
}

export interface EnvironmentSpec {
  function?: { module: string; export?: string };
  node?: string;
  npm?: Record<string, string>;
  builtins?: string[];
  local?: string[];
  data?: string[];
  native?: Record<string, string>;
  files?: string[];
  warnings?: string[];
  git?: Record<string, GitSource>;
  http?: Record<string, HttpSource>;
  root?: string;
}

// The keys in the order they are printed.
export const SPEC_KEYS = ['function', 'root', 'node', 'npm', 'builtins', 'local', 'data', 'native', 'git', 'http', 'files', 'warnings'] as const;

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks a parsed spec; `source` names it in messages (a file path, or 'the spec'). */
export function validateSpec(value: unknown, source: string): EnvironmentSpec {
  const fail = (key: string, expected: string, got: unknown): never => {
    throw new AnalyzerError('TRELLIS_BAD_SPEC', `bad spec ${source}: '${key}' expects ${expected}, got ${describe(got)}`, {
      file: source,
    });
  };
  if (!isObject(value)) return fail('(top level)', 'an object', value);
  for (const key of Object.keys(value)) {
    if (!(SPEC_KEYS as readonly string[]).includes(key)) {
      throw new AnalyzerError('TRELLIS_BAD_SPEC', `bad spec ${source}: unknown key '${key}' (known keys: ${SPEC_KEYS.join(', ')})`, {
        file: source,
      });
    }
  }
  const v = value as Record<string, unknown>;
  const string = (key: string, x: unknown): string => (typeof x === 'string' && x !== '' ? x : fail(key, 'a non-empty string', x));
  const strings = (key: string): void => {
    if (v[key] === undefined) return;
    if (!Array.isArray(v[key])) fail(key, 'an array of strings', v[key]);
    (v[key] as unknown[]).forEach((x, i) => string(`${key}[${i}]`, x));
  };
  const record = (key: string, each: (k: string, x: unknown) => void): void => {
    if (v[key] === undefined) return;
    if (!isObject(v[key])) fail(key, 'an object', v[key]);
    for (const [k, x] of Object.entries(v[key] as object)) each(`${key}.${k}`, x);
  };
  const fields = (key: string, x: unknown, allowed: string[]): Record<string, unknown> => {
    if (!isObject(x)) fail(key, `an object with ${allowed.join(', ')}`, x);
    for (const k of Object.keys(x as object)) if (!allowed.includes(k)) fail(`${key}.${k}`, `no such key (known: ${allowed.join(', ')})`, (x as Record<string, unknown>)[k]);
    return x as Record<string, unknown>;
  };
  const envName = (key: string): void => {
    const name = key.slice(key.indexOf('.') + 1);
    if (!ENV_VAR.test(name)) fail(key, 'an environment variable name (letters, digits, _) as the key', name);
  };

  if (v.function !== undefined) {
    const f = fields('function', v.function, ['module', 'export']);
    string('function.module', f.module);
    if (f.export !== undefined) string('function.export', f.export);
  }
  if (v.root !== undefined) string('root', v.root);
  if (v.node !== undefined && validRange(string('node', v.node)) === null) fail('node', 'a semver range such as ">=20.19"', v.node);
  record('npm', (k, x) => string(k, x));
  record('native', (k, x) => string(k, x));
  for (const key of ['builtins', 'local', 'data', 'files', 'warnings']) strings(key);
  record('git', (k, x) => {
    envName(k);
    const g = fields(k, x, ['remote', 'ref']);
    string(`${k}.remote`, g.remote);
    string(`${k}.ref`, g.ref);
  });
  record('http', (k, x) => {
    envName(k);
    const h = fields(k, x, ['type', 'url']);
    if (h.type !== 'file' && h.type !== 'tar') fail(`${k}.type`, '"file" or "tar"', h.type);
    const url = string(`${k}.url`, h.url);
    if (!/^https?:\/\//.test(url)) fail(`${k}.url`, 'an http:// or https:// URL', url);
  });
  const git = Object.keys((v.git as object | undefined) ?? {});
  const both = Object.keys((v.http as object | undefined) ?? {}).find((k) => git.includes(k));
  if (both) fail(`http.${both}`, 'a variable name not also used by git', both);
  return v as EnvironmentSpec;
}

/** The spec with its keys in the documented order, as JSON text. */
export function formatSpec(spec: EnvironmentSpec): string {
  const ordered: Record<string, unknown> = {};
  for (const key of SPEC_KEYS) if (spec[key] !== undefined) ordered[key] = spec[key];
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array (${JSON.stringify(x).slice(0, 60)})`;
  if (typeof x === 'string') return `the string ${JSON.stringify(x)}`;
  if (typeof x === 'object') return `an object (${JSON.stringify(x).slice(0, 60)})`;
  return `${typeof x} ${String(x)}`;
}
