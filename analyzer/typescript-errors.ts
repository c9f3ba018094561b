// An error found in the JavaScript a TypeScript file was stripped to carries positions in that
// JavaScript; this rewrites them (fields and message) to positions in the TypeScript file.
import { AnalyzerError } from './errors.js';
import { typeScriptMapOf } from './parse-module.js';
import { originalPosition } from './typescript-source.js';

export function withTypeScriptPositions(err: unknown): unknown {
  if (!(err instanceof AnalyzerError) || err.code === 'TRELLIS_SYNTAX_ERROR' || !err.file) return err;
  const map = typeScriptMapOf(err.file);
  if (!map) return err;
  const file = err.file;
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const message = err.message.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (_m, l: string, c: string) => {
    const p = originalPosition(map, Number(l), Number(c) - 1);
    return `${file}:${p.line}:${p.column}`;
  });
  const at = err.line !== undefined && err.column !== undefined ? originalPosition(map, err.line, err.column - 1) : undefined;
  const remapped = new AnalyzerError(err.code, message, { file, ...(at ?? {}), cause: err.cause });
  remapped.stack = `${remapped.name}: ${message}${err.stack?.slice(err.stack.indexOf('\n')) ?? ''}`;
  return remapped;
}
