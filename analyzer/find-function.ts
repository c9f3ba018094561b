// Finds the AST node of a function given what the running program knows about it:
// fn.toString() (V8 returns the exact source slice), fn.name and the remote() call line.
import type { AnyNode, ArrowFunctionExpression, FunctionDeclaration, FunctionExpression, Program } from 'acorn';
import { ancestor } from 'acorn-walk';

export type FunctionNode = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

export interface FunctionCandidate {
  node: FunctionNode;
  /** Enclosing nodes, Program first, the function itself excluded. */
  ancestors: AnyNode[];
  /** The name V8 gives the function object ('' when it has none). */
  name: string;
}

export interface FunctionQuery {
  source: string;
  name: string;
  line?: number;
}

const functionLists = new WeakMap<Program, FunctionCandidate[]>();

/** Every function declaration, function expression and arrow of the module, methods excluded. */
export function listFunctions(ast: Program): FunctionCandidate[] {
  const cached = functionLists.get(ast);
  if (cached) return cached;
  const found: FunctionCandidate[] = [];
  const visit = (node: AnyNode, _state: unknown, path: AnyNode[]): void => {
    const ancestors = path.slice(0, -1);
    const parent = ancestors[ancestors.length - 1];
    if (isMethodValue(node, parent)) return; // out of scope: V8 prints them as `m() {...}`
    found.push({ node: node as FunctionNode, ancestors, name: inferName(node as FunctionNode, parent) });
  };
  ancestor(ast, { FunctionDeclaration: visit, FunctionExpression: visit, ArrowFunctionExpression: visit });
  found.sort((a, b) => a.node.start - b.node.start);
  functionLists.set(ast, found);
  return found;
}

/** The function whose exact text is `query.source`, else the one named `query.name`; nearest to query.line. */
export function chooseFunction(
  source: string,
  candidates: FunctionCandidate[],
  query: FunctionQuery,
): FunctionCandidate | undefined {
  const byText = candidates.filter((c) => source.slice(c.node.start, c.node.end) === query.source);
  if (byText.length > 0) return nearest(byText, query.line);
  if (query.name === '') return undefined;
  const byName = candidates.filter((c) => c.name === query.name);
  return byName.length > 0 ? nearest(byName, query.line) : undefined;
}

/** A human list of the functions in a module, for "not found" messages. */
export function describeFunctions(candidates: FunctionCandidate[]): string {
  const names = [...new Set(candidates.map((c) => c.name).filter((n) => n !== ''))];
  const anonymous = candidates.filter((c) => c.name === '').length;
  const parts = names.length > 0 ? [names.join(', ')] : [];
  if (anonymous > 0) parts.push(`${anonymous} anonymous`);
  return parts.length > 0 ? parts.join(' and ') : 'none';
}

function nearest(list: FunctionCandidate[], line: number | undefined): FunctionCandidate {
  if (line === undefined || list.length === 1) return list[0]!;
  // A function spanning the call line is at distance 0 (remote(function ...) on that line).
  const distance = (c: FunctionCandidate): number => {
    const { start, end } = c.node.loc!;
    return line >= start.line && line <= end.line ? 0 : Math.abs(start.line - line);
  };
  let best = list[0]!;
  for (const c of list) if (distance(c) < distance(best)) best = c;
  return best;
}

function isMethodValue(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent || node.type !== 'FunctionExpression') return false;
  if (parent.type === 'MethodDefinition') return true;
  return parent.type === 'Property' && parent.value === node && (parent.method || parent.kind !== 'init');
}

// The ES spec's NamedEvaluation cases: the places where an anonymous function gets a name.
function inferName(node: FunctionNode, parent: AnyNode | undefined): string {
  if (node.type !== 'ArrowFunctionExpression' && node.id) return node.id.name;
  if (!parent) return '';
  switch (parent.type) {
    case 'VariableDeclarator':
      return parent.init === node && parent.id.type === 'Identifier' ? parent.id.name : '';
    case 'AssignmentExpression':
      return parent.right === node && parent.left.type === 'Identifier' ? parent.left.name : '';
    case 'AssignmentPattern':
      return parent.right === node && parent.left.type === 'Identifier' ? parent.left.name : '';
    case 'Property':
    case 'PropertyDefinition':
      if (parent.value !== node || parent.computed) return '';
      if (parent.key.type === 'Identifier') return parent.key.name;
      if (parent.key.type === 'Literal') return String(parent.key.value);
      return '';
    case 'ExportDefaultDeclaration':
      return 'default';
    default:
      return '';
  }
}
