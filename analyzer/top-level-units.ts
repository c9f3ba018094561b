// Maps a top-level binding to the piece of top-level code that declares it: one import
// specifier, one variable declarator, or one function/class declaration. Only these
// pieces are copied into the entry, so the module's main program never runs on a worker.
import type {
  AnyNode,
  ClassDeclaration,
  FunctionDeclaration,
  ImportDeclaration,
  ImportDefaultSpecifier,
  ImportNamespaceSpecifier,
  ImportSpecifier,
  Program,
  VariableDeclaration,
  VariableDeclarator,
} from 'acorn';
import type { Variable } from 'eslint-scope';
import { AnalyzerError, where } from './errors.js';

export type Unit =
  | {
      kind: 'import';
      node: ImportSpecifier | ImportDefaultSpecifier | ImportNamespaceSpecifier;
      statement: ImportDeclaration;
    }
  | { kind: 'variable'; node: VariableDeclarator; statement: VariableDeclaration }
  | { kind: 'declaration'; node: FunctionDeclaration | ClassDeclaration; statement: FunctionDeclaration | ClassDeclaration };

const topLevelByProgram = new WeakMap<Program, Set<AnyNode>>();

/** Declarations that sit directly in the program body (an `export` wrapper is looked through). */
export function topLevelDeclarations(program: Program): Set<AnyNode> {
  let set = topLevelByProgram.get(program);
  if (set) return set;
  set = new Set();
  for (const stmt of program.body) {
    if ((stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') && stmt.declaration) {
      set.add(stmt.declaration as AnyNode);
    } else {
      set.add(stmt);
    }
  }
  topLevelByProgram.set(program, set);
  return set;
}

/** The units declaring a top-level variable (several for `var` re-declarations). */
export function unitsOf(variable: Variable, program: Program, file: string, user: string): Unit[] {
  const top = topLevelDeclarations(program);
  const units: Unit[] = [];
  for (const def of variable.defs) {
    const node = def.node as unknown as AnyNode;
    const parent = def.parent as unknown as AnyNode | null;
    if (def.type === 'ImportBinding' && parent?.type === 'ImportDeclaration') {
      units.push({ kind: 'import', node: node as ImportSpecifier | ImportDefaultSpecifier | ImportNamespaceSpecifier, statement: parent });
      continue;
    }
    if (def.type === 'Variable' && parent?.type === 'VariableDeclaration' && top.has(parent)) {
      units.push({ kind: 'variable', node: node as VariableDeclarator, statement: parent });
      continue;
    }
    if ((def.type === 'FunctionName' || def.type === 'ClassName') && top.has(node)) {
      const decl = node as FunctionDeclaration | ClassDeclaration;
      units.push({ kind: 'declaration', node: decl, statement: decl });
      continue;
    }
    // e.g. `for (var i ...)` or a function declared inside a top-level `if` block: copying
    // the statement would run main-program code on the worker.
    const loc = node.loc!.start;
    throw new AnalyzerError(
      'TRELLIS_UNSUPPORTED_BINDING',
      `remote(): ${user} uses '${variable.name}', which is declared inside a top-level statement ` +
        `(${where(file, loc.line, loc.column)}), not by a plain top-level declaration; ` +
        `declare it at module level or pass it as an argument`,
      { file, line: loc.line, column: loc.column + 1 },
    );
  }
  return units;
}
