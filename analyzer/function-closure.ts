// What a function needs from its module: checks that it captures nothing from enclosing
// functions, then collects, transitively, the top-level declarations it refers to.
import type { AnyNode, Program } from 'acorn';
import { recursive } from 'acorn-walk';
import type { Variable } from 'eslint-scope';
import { AnalyzerError, where } from './errors.js';
import type { FunctionCandidate } from './find-function.js';
import { isInsideFunction, moduleScope, rangeOf, referencesIn, resolve, type Range } from './module-scope.js';
import type { ParsedModule } from './parse-module.js';
import { topLevelDeclarations, unitsOf, type Unit } from './top-level-units.js';

export interface FunctionClosure {
  /** Every top-level unit the function needs, the function's own one included. */
  units: Unit[];
  /** Set when the function is itself a top-level declaration: the binding to export. */
  ownBinding?: string;
}

export function closeOver(parsed: ParsedModule, fn: FunctionCandidate, label: string): FunctionClosure {
  const ms = moduleScope(parsed);
  const fnRange = rangeOf(fn.node);
  checkCaptures(parsed, fn, label);

  const units = new Map<AnyNode, Unit>(); // keyed by the unit's node, to visit each once
  const pulledBy = new Map<Unit, string>();
  const queue: Unit[] = [];
  const add = (unit: Unit, by: string): void => {
    if (units.has(unit.node)) return;
    units.set(unit.node, unit);
    pulledBy.set(unit, by);
    queue.push(unit);
  };
  const pullReferencesIn = (range: Range): void => {
    for (const ref of referencesIn(ms, range)) {
      const r = resolve(ms, ref, range);
      if (r.kind === 'module') for (const u of unitsOf(r.variable, parsed.ast, parsed.file, label)) add(u, r.variable.name);
    }
  };

  const own = ownUnit(parsed.ast, fn);
  if (own) add(own.unit, own.binding);
  else pullReferencesIn(fnRange);
  while (queue.length > 0) pullReferencesIn(rangeOf(queue.shift()!.node));

  for (const unit of units.values()) {
    if (unit !== own?.unit) checkNotWrapping(parsed.file, fn, unit, pulledBy.get(unit)!, label);
  }
  return { units: [...units.values()], ...(own ? { ownBinding: own.binding } : {}) };
}

/** The function is a top-level `function f` or the whole initializer of a top-level `const f =`. */
function ownUnit(program: Program, fn: FunctionCandidate): { unit: Unit; binding: string } | undefined {
  const top = topLevelDeclarations(program);
  const node = fn.node;
  if (node.type === 'FunctionDeclaration' && node.id && top.has(node)) {
    return { unit: { kind: 'declaration', node, statement: node }, binding: node.id.name };
  }
  const parent = fn.ancestors[fn.ancestors.length - 1];
  const grand = fn.ancestors[fn.ancestors.length - 2];
  if (
    parent?.type === 'VariableDeclarator' &&
    parent.init === node &&
    parent.id.type === 'Identifier' &&
    grand?.type === 'VariableDeclaration' &&
    top.has(grand)
  ) {
    return { unit: { kind: 'variable', node: parent, statement: grand }, binding: parent.id.name };
  }
  return undefined;
}

function checkCaptures(parsed: ParsedModule, fn: FunctionCandidate, label: string): void {
  const ms = moduleScope(parsed);
  const fnRange = rangeOf(fn.node);
  const captured: { variable: Variable; loc: { line: number; column: number } }[] = [];
  for (const ref of referencesIn(ms, fnRange)) {
    const r = resolve(ms, ref, fnRange);
    if (r.kind !== 'captured') continue;
    // A nested `function fib` calling itself: its name is re-declared in the entry.
    if (r.variable.defs.some((d) => (d.node as unknown) === fn.node)) continue;
    if (captured.some((c) => c.variable === r.variable)) continue;
    captured.push({ variable: r.variable, loc: (ref.identifier as unknown as AnyNode).loc!.start });
  }
  if (captured.length > 0) {
    const first = captured[0]!;
    const kind = isInsideFunction(first.variable.scope) ? 'function' : 'block';
    const more = captured.slice(1).map((c) => `'${c.variable.name}'`);
    throw new AnalyzerError(
      'TRELLIS_CAPTURED_VARIABLE',
      `remote(): ${label} captures variable '${first.variable.name}' of an enclosing ${kind} ` +
        `(${where(parsed.file, first.loc.line, first.loc.column)})` +
        (more.length > 0 ? ` (and also ${more.join(', ')})` : '') +
        `; pass it as an argument or move it to module level`,
      { file: parsed.file, line: first.loc.line, column: first.loc.column + 1 },
    );
  }
  const lexicalThis = capturedThis(fn);
  if (lexicalThis) {
    const loc = lexicalThis.loc!.start;
    const what = lexicalThis.type === 'MetaProperty' ? 'new.target' : lexicalThis.type === 'Super' ? 'super' : 'this';
    throw new AnalyzerError(
      'TRELLIS_CAPTURED_VARIABLE',
      `remote(): ${label} captures '${what}' of an enclosing function (${where(parsed.file, loc.line, loc.column)}); ` +
        `an arrow function shares it with the function around it, which does not travel to the worker; ` +
        `pass the value as an argument`,
      { file: parsed.file, line: loc.line, column: loc.column + 1 },
    );
  }
}

/** For an arrow inside a function or class body: its use of the outer `this`/`super`/`new.target`. */
function capturedThis(fn: FunctionCandidate): AnyNode | undefined {
  if (fn.node.type !== 'ArrowFunctionExpression') return undefined;
  const outerBinder = fn.ancestors.some(
    (a) =>
      a.type === 'FunctionDeclaration' ||
      a.type === 'FunctionExpression' ||
      a.type === 'PropertyDefinition' ||
      a.type === 'StaticBlock',
  );
  if (!outerBinder) return undefined; // a top-level arrow's `this` is the module's, as in the entry
  let found: AnyNode | undefined;
  const stop = (): void => {}; // these bind their own `this`
  recursive(fn.node, undefined, {
    FunctionDeclaration: stop,
    FunctionExpression: stop,
    ClassDeclaration: stop,
    ClassExpression: stop,
    ThisExpression: (n) => void (found ??= n),
    Super: (n) => void (found ??= n),
    MetaProperty: (n) => void (n.meta.name === 'new' ? (found ??= n) : undefined),
  });
  return found;
}

// `const fib = remote((n) => ... fib(n - 1))`: the arrow refers to the binding whose
// initializer calls remote() around it; copying that statement would call remote() on the worker.
function checkNotWrapping(file: string, fn: FunctionCandidate, unit: Unit, binding: string, label: string): void {
  const at = fn.ancestors.indexOf(unit.node);
  if (at < 0) return;
  for (const a of fn.ancestors.slice(at)) {
    if (a.type === 'FunctionDeclaration' || a.type === 'FunctionExpression' || a.type === 'ArrowFunctionExpression') return;
    if (a.type === 'ClassDeclaration' || a.type === 'ClassExpression') return;
    if (a.type === 'CallExpression' || a.type === 'NewExpression' || a.type === 'TaggedTemplateExpression') {
      const loc = unit.node.loc!.start;
      throw new AnalyzerError(
        'TRELLIS_SELF_REFERENCE',
        `remote(): ${label} refers to '${binding}', which is declared by the statement that wraps the ` +
          `function itself (${where(file, loc.line, loc.column)}); copying it to the worker would run that ` +
          `call there. Give the function its own name (function ${binding}(...) {...}) and call itself ` +
          `through it, or declare it as a top-level function`,
        { file, line: loc.line, column: loc.column + 1 },
      );
    }
  }
}
