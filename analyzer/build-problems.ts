// What esbuild cannot do that must not stop a function from shipping: an import that resolves to
// nothing becomes a module that throws a clear error when (and only if) the code that imports it runs
// on the worker; a file no loader reads (.css, an unknown extension) becomes an empty module, as a
// bundler for Node would have to treat it. Each is a warning with the importer's file:line:col.
import { dirname, resolve } from 'node:path';
import type { BuildFailure, Loader, Message, Plugin } from 'esbuild';
import { ENTRY_NAMESPACE, unresolvedReason } from './bundle-entry.js';

export interface BuildWarning {
  file: string; // absolute
  line: number;
  column: number; // 1-based
  message: string;
}

export interface Workarounds {
  /** `resolveDir \0 specifier` of imports that resolve to nothing: the error their module throws. */
  missing: Map<string, string>;
  loaders: Record<string, Loader>;
  warnings: BuildWarning[];
}

const MISSING = 'trellis-missing';

export function missingModulePlugin(w: Workarounds): Plugin {
  return {
    name: 'trellis-missing-modules',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (w.missing.size === 0) return undefined;
        const message = w.missing.get(`${args.resolveDir}\0${args.path}`);
        return message === undefined ? undefined : { path: args.path, namespace: MISSING, pluginData: message };
      });
      b.onLoad({ filter: /.*/, namespace: MISSING }, (args) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(args.pluginData as string)}), { code: "MODULE_NOT_FOUND" });`,
        loader: 'js',
      }));
    },
  };
}

/** Records a workaround for each problem esbuild reported that has one; false when any has none. */
export function retryableProblems(err: unknown, w: Workarounds, workingDir: string, entryFile: string, root: string): boolean {
  const errors = (err as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return false;
  for (const m of errors) {
    const at = locate(m, workingDir, entryFile);
    const unresolved = /^Could not resolve "(.*)"$/.exec(m.text);
    if (unresolved && at) {
      const spec = unresolved[1]!;
      const key = `${dirname(at.file)}\0${spec}`;
      if (w.missing.has(key)) return false;
      const where = `${relativeTo(root, at.file)}:${at.line}:${at.column}`;
      const reason = unresolvedReason(spec, at.file);
      w.missing.set(key, `Cannot find module '${spec}' imported by ${where}: it did not resolve when the function was shipped (${reason})`);
      w.warnings.push({ ...at, message: `import '${spec}' does not resolve: ${reason}; left out: the function fails with "Cannot find module" on the worker if it reaches it` });
      continue;
    }
    const noLoader = /^No loader is configured for "(\.[^"]+)" files/.exec(m.text) ?? /^Cannot import "(?:.*?)(\.[^."/]+)" into a JavaScript file/.exec(m.text);
    if (noLoader && at) {
      const ext = noLoader[1]!;
      if (w.loaders[ext]) return false;
      w.loaders[ext] = 'empty';
      w.warnings.push({ ...at, message: `imports of ${ext} files are left empty: neither Node nor the bundle can load them as JavaScript` });
      continue;
    }
    return false;
  }
  return true;
}

/** esbuild's warnings worth a user's attention: requires it leaves to run time (a try/catch around them). */
export function locatedWarnings(messages: Message[], workingDir: string, entryFile: string): BuildWarning[] {
  const out: BuildWarning[] = [];
  for (const m of messages) {
    const at = locate(m, workingDir, entryFile);
    if (!at) continue;
    const unresolved = /^Could not resolve "(.*)"$/.exec(m.text);
    if (unresolved) out.push({ ...at, message: `import '${unresolved[1]}' does not resolve (inside a try): left out; the code catches its failure on the worker` });
  }
  return out;
}

function locate(m: Message, workingDir: string, entryFile: string): { file: string; line: number; column: number } | undefined {
  const loc = m.location;
  if (!loc) return undefined;
  const isEntry = loc.namespace === ENTRY_NAMESPACE || loc.file.startsWith(`${ENTRY_NAMESPACE}:`) || loc.file === '<trellis-wrapper>';
  const file = isEntry ? entryFile : resolve(workingDir, loc.file);
  return { file, line: loc.line, column: loc.column + 1 };
}

function relativeTo(root: string, file: string): string {
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}
