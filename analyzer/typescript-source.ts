// TypeScript sources (.ts/.mts/.cts) are analyzed as the JavaScript esbuild strips them to;
// positions found in that JavaScript are mapped back to the TypeScript file for messages.
import { transformSync, type TransformFailure } from 'esbuild';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { AnalyzerError, where } from './errors.js';

const TS_FILE = /\.(ts|mts|cts)$/;

export function isTypeScript(file: string): boolean {
  return TS_FILE.test(file) && !file.endsWith('.d.ts');
}

export interface StrippedSource {
  code: string;
  map: TraceMap;
}

// The same file is stripped when its module is parsed and again when it is bundled: keep the last
// result of each (a few hundred files at most in one application).
const stripped = new Map<string, { source: string; result: StrippedSource }>();
const STRIPPED_KEPT = 500;

export function stripTypes(file: string, source: string): StrippedSource {
  const known = stripped.get(file);
  if (known && known.source === source) return known.result;
  const result = strip(file, source);
  if (stripped.size >= STRIPPED_KEPT) stripped.delete(stripped.keys().next().value!);
  stripped.set(file, { source, result });
  return result;
}

function strip(file: string, source: string): StrippedSource {
  try {
    const out = transformSync(source, {
      loader: 'ts',
      sourcefile: file,
      sourcemap: 'external',
      target: 'esnext', // strip types only; keep the syntax as written
      logLevel: 'silent',
    });
    return { code: out.code, map: new TraceMap(out.map) };
  } catch (err) {
    const first = (err as Partial<TransformFailure>).errors?.[0];
    const loc = first?.location;
    if (!first || !loc) throw err;
    throw new AnalyzerError('TRELLIS_SYNTAX_ERROR', `remote(): cannot parse ${where(file, loc.line, loc.column)} as TypeScript: ${first.text}`, {
      file,
      line: loc.line,
      column: loc.column + 1,
      cause: err,
    });
  }
}

/** The TypeScript line and 1-based column of a position (line, 0-based column) in the stripped code. */
export function originalPosition(map: TraceMap, line: number, column0: number): { line: number; column: number } {
  const p = originalPositionFor(map, { line, column: column0 });
  if (p.line === null || p.column === null) return { line, column: column0 + 1 };
  return { line: p.line, column: p.column + 1 };
}
