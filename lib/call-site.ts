// Finds where the application called into Trellis: the first stack frame outside Trellis's own lib folder.
import { fileURLToPath } from 'node:url';
import { dirname, sep } from 'node:path';

const LIB_DIR = dirname(fileURLToPath(import.meta.url)) + sep;

export interface CallSite {
  file: string;
  line: number;
  column: number;
}

export function applicationCallSite(): CallSite | null {
  const saved = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let frames: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_e, s) => s;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, applicationCallSite);
    frames = holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = saved;
    Error.stackTraceLimit = savedLimit;
  }
  for (const f of frames) {
    let file = f.getFileName() ?? '';
    if (!file || file.startsWith('node:')) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith(LIB_DIR)) continue;
    return { file, line: f.getLineNumber() ?? 0, column: f.getColumnNumber() ?? 0 };
  }
  return null;
}
