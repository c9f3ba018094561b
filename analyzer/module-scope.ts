// eslint-scope over the acorn AST of one module, plus the queries the analyzer needs:
// which references lie inside a source range, and what each one resolves to.
import type { Node as AcornNode } from 'acorn';
import { analyze, type Reference, type Scope, type ScopeManager, type Variable } from 'eslint-scope';
import type * as ESTree from 'estree';
import type { ParsedModule } from './parse-module.js';

export interface ModuleScope {
  manager: ScopeManager;
  /** The scope of top-level bindings: the module scope, or the CommonJS wrapper's function scope. */
  top: Scope;
  /** Every reference of the module, sorted by position. */
  references: Reference[];
}

export interface Range {
  start: number;
  end: number;
}

/** What a reference resolves to, seen from the code being shipped. */
export type Resolution =
  | { kind: 'global' } // unresolved, or a binding the runtime provides: fine anywhere
  | { kind: 'local' } // declared inside the range itself
  | { kind: 'module'; variable: Variable } // a top-level binding: its declaration gets pulled in
  | { kind: 'captured'; variable: Variable }; // a binding of an enclosing function or block

const scopes = new WeakMap<ParsedModule, ModuleScope>();

export function moduleScope(parsed: ParsedModule): ModuleScope {
  const cached = scopes.get(parsed);
  if (cached) return cached;
  const program = parsed.ast as unknown as ESTree.Program;
  const manager = analyze(program, {
    ecmaVersion: 2026,
    // CommonJS: top-level bindings live in the module wrapper's function scope, not the global one.
    sourceType: parsed.moduleType === 'module' ? 'module' : 'script',
    nodejsScope: parsed.moduleType === 'commonjs',
  });
  const top = manager.scopes.find((s) => s.block === program && s.type !== 'global');
  if (!top) throw new Error(`eslint-scope produced no top-level scope for ${parsed.file}`);
  const references = manager.scopes.flatMap((s) => s.references);
  references.sort((a, b) => startOf(a.identifier) - startOf(b.identifier));
  const result = { manager, top, references };
  scopes.set(parsed, result);
  return result;
}

export function startOf(node: ESTree.Node | { type: string }): number {
  return (node as unknown as AcornNode).start;
}

export function rangeOf(node: ESTree.Node | { type: string }): Range {
  const n = node as unknown as AcornNode;
  return { start: n.start, end: n.end };
}

/** References whose identifier lies inside `range`, in source order. */
export function referencesIn(ms: ModuleScope, range: Range): Reference[] {
  const refs = ms.references;
  let lo = 0;
  let hi = refs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(refs[mid]!.identifier) < range.start) lo = mid + 1;
    else hi = mid;
  }
  const out: Reference[] = [];
  for (let i = lo; i < refs.length && startOf(refs[i]!.identifier) < range.end; i++) out.push(refs[i]!);
  return out;
}

export function resolve(ms: ModuleScope, ref: Reference, range: Range): Resolution {
  const variable = ref.resolved;
  // No definitions: an implicit binding such as the CommonJS wrapper's `arguments`.
  if (!variable || variable.scope.type === 'global' || variable.defs.length === 0) return { kind: 'global' };
  const block = rangeOf(variable.scope.block);
  if (block.start >= range.start && block.end <= range.end) return { kind: 'local' };
  if (variable.scope === ms.top) return { kind: 'module', variable };
  return { kind: 'captured', variable };
}

/** True when the variable's scope lies inside some function (else it is a top-level block's). */
export function isInsideFunction(scope: Scope): boolean {
  for (let s: Scope | null = scope; s; s = s.upper) {
    if (s.type === 'function' && s.block.type !== 'Program') return true;
  }
  return false;
}
