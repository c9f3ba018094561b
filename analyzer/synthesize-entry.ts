// Writes the entry module: the kept top-level pieces in their original order (each at its
// original line and column), the function, and an export of it under the bundle's name.
import type { AnyNode, ImportDeclaration, VariableDeclaration } from 'acorn';
import type { FunctionCandidate } from './find-function.js';
import type { FunctionClosure } from './function-closure.js';
import type { ParsedModule } from './parse-module.js';
import { PositionedWriter } from './positioned-writer.js';

interface Piece {
  start: number;
  emit(w: PositionedWriter): void;
}

export function synthesizeEntry(
  parsed: ParsedModule,
  fn: FunctionCandidate,
  closure: FunctionClosure,
  exportName: string,
): string {
  const text = (n: AnyNode): string => parsed.source.slice(n.start, n.end);
  const kept = new Map<AnyNode, Set<AnyNode>>(); // statement -> its kept nodes
  for (const unit of closure.units) {
    const set = kept.get(unit.statement) ?? new Set<AnyNode>();
    set.add(unit.node);
    kept.set(unit.statement, set);
  }

  const pieces: Piece[] = [];
  if (parsed.moduleType === 'commonjs') pieces.push(...directives(parsed, text));
  for (const [statement, nodes] of kept) {
    pieces.push({ start: statement.start, emit: (w) => emitStatement(w, statement, nodes, text) });
  }
  const local = closure.ownBinding ?? exportName;
  if (closure.ownBinding === undefined) {
    pieces.push({ start: fn.node.start, emit: (w) => emitFunctionExpression(w, fn, exportName, text) });
  }
  pieces.sort((a, b) => a.start - b.start);

  const w = new PositionedWriter();
  for (const p of pieces) p.emit(w);
  w.write('\n');
  if (parsed.moduleType === 'module') {
    w.write(local === exportName ? `export { ${exportName} };\n` : `export { ${local} as ${exportName} };\n`);
  } else {
    w.write(`module.exports.${exportName} = ${local};\n`);
  }
  return w.toString();
}

function emitStatement(w: PositionedWriter, statement: AnyNode, nodes: Set<AnyNode>, text: (n: AnyNode) => string): void {
  if (statement.type === 'ImportDeclaration') emitImport(w, statement, nodes, text);
  else if (statement.type === 'VariableDeclaration') emitVariables(w, statement, nodes, text);
  else w.writeAt(statement.loc!.start, text(statement)); // a function or class declaration, whole
}

// Only the used specifiers: `import a, { b as c } from 'x' with { ... };`
function emitImport(w: PositionedWriter, decl: ImportDeclaration, nodes: Set<AnyNode>, text: (n: AnyNode) => string): void {
  const specs = decl.specifiers.filter((s) => nodes.has(s));
  const named = specs.filter((s) => s.type === 'ImportSpecifier');
  w.writeAt(decl.loc!.start, 'import ');
  let first = true;
  for (const s of specs) {
    if (s.type === 'ImportSpecifier') continue;
    if (!first) w.write(', ');
    w.writeAt(s.loc!.start, text(s));
    first = false;
  }
  if (named.length > 0) {
    w.write(first ? '{ ' : ', { ');
    named.forEach((s, i) => {
      if (i > 0) w.write(', ');
      w.writeAt(s.loc!.start, text(s));
    });
    w.write(' }');
  }
  w.write(' from ');
  w.writeAt(decl.source.loc!.start, text(decl.source));
  if (decl.attributes.length > 0) w.write(` with { ${decl.attributes.map(text).join(', ')} }`);
  w.write(';');
}

// Only the used declarators: `const a = 1, c = 3;`
function emitVariables(w: PositionedWriter, decl: VariableDeclaration, nodes: Set<AnyNode>, text: (n: AnyNode) => string): void {
  w.writeAt(decl.loc!.start, `${decl.kind} `);
  decl.declarations
    .filter((d) => nodes.has(d))
    .forEach((d, i) => {
      if (i > 0) w.write(', ');
      w.writeAt(d.loc!.start, text(d));
    });
  w.write(';');
}

// `const __trellis_fn = <the function's exact text>;` ending where the function starts, when room allows.
function emitFunctionExpression(w: PositionedWriter, fn: FunctionCandidate, exportName: string, text: (n: AnyNode) => string): void {
  const prefix = `const ${exportName} = `;
  const { line, column } = fn.node.loc!.start;
  w.moveTo({ line, column: Math.max(0, column - prefix.length) });
  w.write(prefix);
  w.padTo({ line, column });
  w.write(`${text(fn.node)};`);
}

// A CommonJS module's leading 'use strict' changes the meaning of the code copied after it.
function directives(parsed: ParsedModule, text: (n: AnyNode) => string): Piece[] {
  const out: Piece[] = [];
  for (const stmt of parsed.ast.body) {
    if (stmt.type !== 'ExpressionStatement' || stmt.directive === undefined) break;
    out.push({ start: stmt.start, emit: (w) => w.writeAt(stmt.loc!.start, text(stmt).endsWith(';') ? text(stmt) : `${text(stmt)};`) });
  }
  return out;
}
