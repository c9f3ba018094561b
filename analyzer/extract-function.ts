// remote()'s synchronous step: find the function in its module and write an entry module
// holding only the function, the imports and top-level declarations it uses, and an export.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Program } from 'acorn';
import { AnalyzerError, where } from './errors.js';
import { chooseFunction, describeFunctions, listFunctions, type FunctionCandidate } from './find-function.js';
import { closeOver } from './function-closure.js';
import { parseModule, type ParsedModule } from './parse-module.js';
import { synthesizeEntry } from './synthesize-entry.js';
import { withTypeScriptPositions } from './typescript-errors.js';

export interface FunctionRef {
  file: string; // absolute path of the module that defines the function (the call-site module)
  source: string; // fn.toString() as V8 gives it
  name: string; // fn.name ('' for anonymous)
  line?: number; // 1-based line of the remote() call site in that file, to break ties
}

export interface ExtractedFunction {
  file: string; // the original module path (the defining module, if found through an import)
  entryCode: string; // only the used imports + used top-level declarations + the function, exporting it
  exportName: string; // the name under which the bundle exports the function
  moduleType: 'module' | 'commonjs';
}

export const EXPORT_NAME = '__trellis_fn';

// How far to follow the call-site module's relative imports looking for the function's text.
const IMPORT_SEARCH_DEPTH = 3;

export function extractFunction(ref: FunctionRef): ExtractedFunction {
  try {
    return extract(ref);
  } catch (err) {
    throw withTypeScriptPositions(err);
  }
}

function extract(ref: FunctionRef): ExtractedFunction {
  const file = toPath(ref.file);
  const parsed = parseModule(file);
  const found = locate(parsed, ref);
  const label = describe(found.parsed, found.fn, ref.name);
  const closure = closeOver(found.parsed, found.fn, label);
  return {
    file: found.parsed.file,
    entryCode: synthesizeEntry(found.parsed, found.fn, closure, EXPORT_NAME),
    exportName: EXPORT_NAME,
    moduleType: found.parsed.moduleType,
  };
}

function locate(parsed: ParsedModule, ref: FunctionRef): { parsed: ParsedModule; fn: FunctionCandidate } {
  const candidates = listFunctions(parsed.ast);
  const query = { source: ref.source, name: ref.name, ...(ref.line !== undefined ? { line: ref.line } : {}) };
  const byText = chooseFunction(parsed.source, candidates, { ...query, name: '' });
  if (byText) return { parsed, fn: byText };
  // `import { fib } from './math.js'; remote(fib)`: the text is in the imported module.
  const imported = searchImports(parsed, ref.source, IMPORT_SEARCH_DEPTH, new Set([parsed.file]));
  if (imported) return imported;
  const byName = chooseFunction(parsed.source, candidates, query);
  if (byName) return { parsed, fn: byName };
  const wanted = ref.name === '' ? 'the anonymous function' : `function ${ref.name}`;
  const tried = ref.name === '' ? 'its exact source text' : `its exact source text nor the name '${ref.name}'`;
  throw new AnalyzerError(
    'TRELLIS_FUNCTION_NOT_FOUND',
    `remote(): cannot find ${wanted} in ${parsed.file}: no function there has ${tried}. ` +
      `Functions found there: ${describeFunctions(candidates)}. ` +
      `remote() takes a function written in the calling module (or imported into it from a relative path), ` +
      `not a method, bound or native function`,
    { file: parsed.file },
  );
}

function searchImports(
  parsed: ParsedModule,
  source: string,
  depth: number,
  seen: Set<string>,
): { parsed: ParsedModule; fn: FunctionCandidate } | undefined {
  if (depth === 0) return undefined;
  for (const spec of relativeSpecifiers(parsed.ast)) {
    const file = resolveRelative(dirname(parsed.file), spec);
    if (!file || seen.has(file)) continue;
    seen.add(file);
    let child: ParsedModule;
    try {
      child = parseModule(file);
    } catch {
      continue; // not parseable JavaScript: the function is not there
    }
    const fn = chooseFunction(child.source, listFunctions(child.ast), { source, name: '' });
    if (fn) return { parsed: child, fn };
    const deeper = searchImports(child, source, depth - 1, seen);
    if (deeper) return deeper;
  }
  return undefined;
}

// Relative specifiers of static imports, re-exports and top-level `require('./x')` initializers.
function relativeSpecifiers(ast: Program): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && (v.startsWith('./') || v.startsWith('../'))) out.push(v);
  };
  for (const stmt of ast.body) {
    if (stmt.type === 'ImportDeclaration' || stmt.type === 'ExportAllDeclaration') add(stmt.source.value);
    else if (stmt.type === 'ExportNamedDeclaration' && stmt.source) add(stmt.source.value);
    else if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) {
        let init = d.init;
        while (init?.type === 'MemberExpression' && init.object.type !== 'Super') init = init.object;
        if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require') {
          const arg = init.arguments[0];
          if (arg?.type === 'Literal') add(arg.value);
        }
      }
    }
  }
  return out;
}

function resolveRelative(dir: string, spec: string): string | undefined {
  const base = resolvePath(dir, spec);
  // TypeScript imports name the emitted .js file: the source beside it is the .ts one.
  const ts = base.replace(/\.(m|c)?js$/, '.$1ts');
  for (const f of [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`, `${base}/index.js`, ts, `${base}.ts`]) {
    if (existsSync(f) && statSync(f).isFile()) return f;
  }
  return undefined;
}

function toPath(file: string): string {
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  if (!isAbsolute(path)) {
    throw new AnalyzerError('TRELLIS_SOURCE_UNREADABLE', `remote(): expected an absolute module path, got '${file}'`, { file });
  }
  return path;
}

function describe(parsed: ParsedModule, fn: FunctionCandidate, refName: string): string {
  const name = fn.name || refName;
  if (name) return `function ${name}`;
  const { line, column } = fn.node.loc!.start;
  return `the anonymous function at ${where(parsed.file, line, column)}`;
}
