// Reads a spec file: JSON, checked, with the project root it names (relative to the spec file).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AnalyzerError } from './errors.js';
import { validateSpec, type EnvironmentSpec } from './environment-spec.js';

export function readSpecFile(path: string): { spec: EnvironmentSpec; root: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AnalyzerError('TRELLIS_BAD_SPEC', `cannot read spec ${path}: ${(err as Error).message}`, { file: path, cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AnalyzerError('TRELLIS_BAD_SPEC', `bad spec ${path}: expected JSON, got a parse error: ${(err as Error).message}`, {
      file: path,
      cause: err,
    });
  }
  const spec = validateSpec(value, path);
  return { spec, root: resolve(dirname(path), spec.root ?? '.') };
}
