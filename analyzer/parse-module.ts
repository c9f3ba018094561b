// Reads and parses one source file with acorn, deciding its module type as Node 20 does.
// Parsed files are kept while their mtime and size are unchanged: remote() is often
// called for several functions of the same module.
import { withImportAttributes } from './static-references.js';
import { readFileSync, statSync } from 'node:fs';
import { parse, type Program } from 'acorn';
import { AnalyzerError, where } from './errors.js';
import { declaredModuleType, type ModuleType } from './module-type.js';
import { isTypeScript, stripTypes } from './typescript-source.js';
import type { TraceMap } from '@jridgewell/trace-mapping';

export interface ParsedModule {
  file: string;
  source: string;
  ast: Program;
  moduleType: ModuleType;
  /** For a TypeScript file: `source` is the stripped JavaScript, and this maps it back. */
  typeScriptMap?: TraceMap;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  parsed: ParsedModule;
}

const cache = new Map<string, CacheEntry>();

export function parseModule(file: string): ParsedModule {
  let mtimeMs: number;
  let size: number;
  let source: string;
  try {
    ({ mtimeMs, size } = statSync(file));
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.parsed;
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AnalyzerError(
      'TRELLIS_SOURCE_UNREADABLE',
      `remote(): cannot read the module that defines the function: ${file} (${(err as Error).message})`,
      { file, cause: err },
    );
  }
  const parsed = isTypeScript(file) ? parseTypeScript(file, source) : parseSource(file, source);
  cache.set(file, { mtimeMs, size, parsed });
  return parsed;
}

function parseTypeScript(file: string, source: string): ParsedModule {
  const stripped = stripTypes(file, source);
  return { ...parseSource(file, stripped.code), typeScriptMap: stripped.map };
}

/** The stripped-to-TypeScript position map of a TypeScript file parsed before, if any. */
export function typeScriptMapOf(file: string): TraceMap | undefined {
  return cache.get(file)?.parsed.typeScriptMap;
}

/** Parses `source` as the module `file`; exported for tests and for in-memory sources. */
export function parseSource(file: string, source: string): ParsedModule {
  const declared = declaredModuleType(file);
  if (declared !== 'ambiguous') {
    return { file, source, ast: parseAs(file, source, declared), moduleType: declared };
  }
  // Node 20's syntax detection: CommonJS unless it only parses as an ES module
  // (import/export, import.meta, top-level await).
  let cjsError: AnalyzerError;
  try {
    return { file, source, ast: parseAs(file, source, 'commonjs'), moduleType: 'commonjs' };
  } catch (err) {
    cjsError = err as AnalyzerError;
  }
  try {
    return { file, source, ast: parseAs(file, source, 'module'), moduleType: 'module' };
  } catch (esmError) {
    // Neither parses: the error that got further into the file is the real one.
    const e = esmError as AnalyzerError;
    throw (e.line ?? 0) > (cjsError.line ?? 0) ? e : cjsError;
  }
}

function parseAs(file: string, source: string, type: ModuleType): Program {
  try {
    return parse(withImportAttributes(source), {
      ecmaVersion: 'latest',
      sourceType: type === 'module' ? 'module' : 'script',
      allowReturnOutsideFunction: type === 'commonjs',
      allowHashBang: true,
      locations: true,
      ranges: true, // eslint-scope reads node.range
    });
  } catch (err) {
    const loc = (err as { loc?: { line: number; column: number } }).loc;
    if (!(err instanceof SyntaxError) || !loc) throw err;
    const reason = err.message.replace(/ \(\d+:\d+\)$/, '');
    const kind = type === 'module' ? 'an ES module' : 'CommonJS';
    throw new AnalyzerError(
      'TRELLIS_SYNTAX_ERROR',
      `remote(): cannot parse ${where(file, loc.line, loc.column)} as ${kind}: ${reason}`,
      { file, line: loc.line, column: loc.column + 1, cause: err },
    );
  }
}
