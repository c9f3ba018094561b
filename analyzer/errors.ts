// The one error type the analyzer throws: a stable `code` for callers and tests,
// and a message that names the function, the variable or import, and file:line:col.

export type AnalyzerErrorCode =
  | 'TRELLIS_CAPTURED_VARIABLE'
  | 'TRELLIS_FUNCTION_NOT_FOUND'
  | 'TRELLIS_SYNTAX_ERROR'
  | 'TRELLIS_UNRESOLVED_IMPORT'
  | 'TRELLIS_SOURCE_UNREADABLE'
  | 'TRELLIS_UNSUPPORTED_BINDING'
  | 'TRELLIS_SELF_REFERENCE'
  | 'TRELLIS_SELF_IMPORT'
  | 'TRELLIS_BUNDLE_FAILED'
  | 'TRELLIS_BAD_SPEC'
  | 'TRELLIS_SPEC_MISMATCH'
  | 'TRELLIS_FETCH_FAILED'
  | 'TRELLIS_BAD_ARCHIVE'
  | 'TRELLIS_NODE_VERSION';

export interface AnalyzerErrorDetails {
  file?: string;
  line?: number; // 1-based
  column?: number; // 1-based
  cause?: unknown;
}

export class AnalyzerError extends Error {
  readonly code: AnalyzerErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(code: AnalyzerErrorCode, message: string, details: AnalyzerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AnalyzerError';
    this.code = code;
    if (details.file !== undefined) this.file = details.file;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
  }
}

/** `file:line:col` with a 1-based column, the form editors and stack traces use. */
export function where(file: string, line: number, column0: number): string {
  return `${file}:${line}:${column0 + 1}`;
}
