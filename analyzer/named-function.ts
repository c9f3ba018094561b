// `--function NAME`: the function of a module with that name (a declaration, or a function bound
// to a const or property), extracted as remote() would extract it.
import { AnalyzerError } from './errors.js';
import { extractFunction, type ExtractedFunction } from './extract-function.js';
import { describeFunctions, listFunctions } from './find-function.js';
import { parseModule } from './parse-module.js';

export function extractNamedFunction(file: string, name: string): ExtractedFunction {
  const parsed = parseModule(file);
  const candidates = listFunctions(parsed.ast);
  const named = candidates.filter((c) => c.name === name);
  if (named.length === 0) {
    throw new AnalyzerError(
      'TRELLIS_FUNCTION_NOT_FOUND',
      `no function named '${name}' in ${file}; functions found there: ${describeFunctions(candidates)}`,
      { file },
    );
  }
  // The outermost one when a name repeats (a module-level function before a nested helper).
  const fn = named.reduce((best, c) => (c.ancestors.length < best.ancestors.length ? c : best));
  return extractFunction({ file, source: parsed.source.slice(fn.node.start, fn.node.end), name, line: fn.node.loc!.start.line });
}
