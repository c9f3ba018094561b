// Static evaluation of the strings a module builds paths and specifiers from: literals, template
// literals, `+` and .concat, constants and variables (every value assigned to the name anywhere in the
// file, branches included), conditional and logical expressions (every branch), path.join/resolve/
// dirname/sep (TypeScript's `(0, path_1.join)(...)` too), __dirname, __filename, import.meta.*,
// process.cwd() (the project root: the application runs from it), new URL(x, base), fileURLToPath.
// A value is the list of strings it may be; a part that cannot be known is the WILD character, so
// `./locale/${lang}.json` is `./locale/\0.json`. File URLs are kept as `file://` + path, unencoded.
import { dirname, join, posix, resolve } from 'node:path';
import type { AnyNode, Program } from 'acorn';
import { simple } from 'acorn-walk';

export const WILD = '\0';
const MAX_ALTERNATIVES = 64;

/** Where the module is: what its own-location expressions evaluate to. */
export interface Place {
  file: string;
  root: string;
  /** Names the module declares itself (`const __dirname = ...`): those are variables like any other. */
  declared: Set<string>;
  /** Every value bound to each name in the module (declarations, assignments, `+=` as an unknown suffix). */
  bindings: Map<string, (AnyNode | 'unknown' | { append: AnyNode })[]>;
}

export function placeOf(file: string, root: string, ast: Program): Place {
  const bindings = new Map<string, (AnyNode | 'unknown' | { append: AnyNode })[]>();
  const add = (name: string, v: AnyNode | 'unknown' | { append: AnyNode }): void => {
    const list = bindings.get(name);
    if (list) list.push(v);
    else bindings.set(name, [v]);
  };
  const loopVariable = (loop: { left: AnyNode }): void => {
    const left = loop.left;
    if (left.type === 'VariableDeclaration') {
      for (const d of left.declarations) if (d.id.type === 'Identifier') add(d.id.name, 'unknown');
    } else if (left.type === 'Identifier') add(left.name, 'unknown');
  };
  const params = (fn: { params: AnyNode[] }): void => {
    for (const p of fn.params) if (p.type === 'Identifier') add(p.name, 'unknown');
  };
  simple(ast, {
    VariableDeclarator(n) {
      // `let x;` holds undefined until a later assignment: only the assignments count.
      if (n.id.type === 'Identifier' && n.init) add(n.id.name, n.init);
    },
    ForOfStatement: loopVariable,
    ForInStatement: loopVariable,
    AssignmentExpression(n) {
      if (n.left.type !== 'Identifier') return;
      if (n.operator === '=') add(n.left.name, n.right);
      else if (n.operator === '+=') add(n.left.name, { append: n.right });
      else add(n.left.name, 'unknown');
    },
    FunctionDeclaration(n) {
      if (n.id) add(n.id.name, n);
      params(n);
    },
    FunctionExpression: params,
    ArrowFunctionExpression: params,
  });
  const declared = new Set<string>();
  for (const name of ['__dirname', '__filename', 'require']) if (bindings.has(name)) declared.add(name);
  return { file, root, declared, bindings };
}

export type Value = string[] | null; // null: nothing about it is known

/** The strings `node` may evaluate to, or null. */
export function evaluate(node: AnyNode, place: Place, seen: Set<string> = new Set()): Value {
  const ev = (n: AnyNode): Value => evaluate(n, place, seen);
  const orWild = (n: AnyNode): string[] => ev(n) ?? [WILD];
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' ? [node.value] : typeof node.value === 'number' ? [String(node.value)] : null;
    case 'TemplateLiteral': {
      let out: string[] = [''];
      node.quasis.forEach((q, i) => {
        out = product(out, [q.value.cooked ?? '']);
        const e = node.expressions[i];
        if (e) out = product(out, orWild(e));
      });
      return capped(out);
    }
    case 'BinaryExpression': {
      if (node.operator !== '+' || node.left.type === 'PrivateIdentifier') return null;
      const l = ev(node.left);
      const r = ev(node.right);
      if (!l && !r) return null;
      return capped(product(l ?? [WILD], r ?? [WILD]));
    }
    case 'ConditionalExpression':
      return union(ev(node.consequent), ev(node.alternate));
    case 'LogicalExpression':
      return node.operator === '&&' ? ev(node.right) : union(ev(node.left), ev(node.right));
    case 'SequenceExpression':
      return ev(node.expressions[node.expressions.length - 1]!);
    case 'AwaitExpression':
      return ev(node.argument);
    case 'Identifier':
      return identifier(node.name, place, seen);
    case 'MemberExpression': {
      const meta = importMetaProperty(node);
      if (meta === 'url') return [`file://${place.file}`];
      if (meta === 'dirname') return [dirname(place.file)];
      if (meta === 'filename') return [place.file];
      if (!node.computed && node.property.type === 'Identifier' && node.property.name === 'sep' && isPathModule(node.object)) return ['/'];
      return null;
    }
    case 'NewExpression': {
      if (node.callee.type !== 'Identifier' || node.callee.name !== 'URL') return null;
      const [spec, base] = node.arguments;
      if (!spec || spec.type === 'SpreadElement') return null;
      const specs = orWild(spec);
      if (!base) return specs.every((s) => s.startsWith('file://')) ? specs : null;
      if (base.type === 'SpreadElement') return null;
      const bases = ev(base);
      if (!bases) return null;
      const out: string[] = [];
      for (const b of bases) for (const s of specs) {
        const u = urlJoin(s, b);
        if (u !== null) out.push(u);
      }
      return out.length > 0 ? capped(out) : null;
    }
    case 'CallExpression':
      return call(node, place, ev, orWild);
    default:
      return null;
  }
}

function call(node: AnyNode & { type: 'CallExpression' }, place: Place, ev: (n: AnyNode) => Value, orWild: (n: AnyNode) => string[]): Value {
  const callee = unwrapCallee(node.callee);
  const args = node.arguments.filter((a): a is Exclude<typeof a, { type: 'SpreadElement' }> => a.type !== 'SpreadElement');
  if (args.length !== node.arguments.length) return null;
  const name = calleeName(callee);
  if (name === 'cwd' && callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'process') return [place.root];
  if (name === 'String' && args.length === 1) return ev(args[0]!);
  // require.resolve('./x'): the file beside the module (what it resolves to in a package is left to the scanner).
  if (name === 'resolve' && callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'require' && args[0]) {
    const v = ev(args[0]);
    return v && v.every((s) => /^\.\.?\//.test(s)) ? v.map((s) => resolve(dirname(place.file), s)) : null;
  }
  if (name === 'concat' && callee.type === 'MemberExpression' && callee.object.type !== 'Super') {
    let out = ev(callee.object);
    if (!out) return null;
    for (const a of args) out = product(out, orWild(a));
    return capped(out);
  }
  if (name === 'join' && callee.type === 'MemberExpression' && callee.object.type === 'ArrayExpression') {
    // ['a', b].join('/')
    const sep = args[0] ? ev(args[0]) : [','];
    if (!sep || sep.length !== 1) return null;
    let out: string[] = [''];
    callee.object.elements.forEach((e, i) => {
      if (!e || e.type === 'SpreadElement') return;
      out = product(out, i === 0 ? orWild(e) : product([sep[0]!], orWild(e)));
    });
    return capped(out);
  }
  if (!isPathCall(callee, place)) {
    if (name === 'fileURLToPath' && args[0]) return mapValue(ev(args[0]), (s) => (s.startsWith('file://') ? s.slice(7) : s));
    if (name === 'pathToFileURL' && args[0]) return mapValue(ev(args[0]), (s) => `file://${s}`);
    return null;
  }
  if (name === 'dirname' && args[0]) return mapValue(ev(args[0]), (s) => dirname(s));
  if ((name === 'join' || name === 'resolve') && args.length > 0) {
    let parts: string[][] = [[]];
    for (const a of args) {
      const v = orWild(a);
      parts = parts.flatMap((p) => v.map((x) => [...p, x]));
      if (parts.length > MAX_ALTERNATIVES) return null;
    }
    if (parts.every((p) => p.every((x) => x === WILD))) return null;
    return parts.map((p) => (name === 'join' ? join(...p) : resolve(place.root, ...p)));
  }
  return null;
}

function identifier(name: string, place: Place, seen: Set<string>): Value {
  if (!place.declared.has(name)) {
    if (name === '__dirname') return [dirname(place.file)];
    if (name === '__filename') return [place.file];
  }
  const values = place.bindings.get(name);
  if (!values || seen.has(name)) return null;
  seen.add(name);
  try {
    let out: string[] = [];
    let known = false;
    const plain = values.filter((v): v is AnyNode => v !== 'unknown' && !('append' in v));
    for (const v of values) {
      if (v === 'unknown') out.push(WILD);
      else if ('append' in v) continue;
      else {
        const x = evaluate(v, place, seen);
        if (x) {
          known = true;
          out.push(...x);
        } else out.push(WILD);
      }
    }
    if (!known || plain.length === 0) return null;
    if (values.some((v) => v !== 'unknown' && 'append' in v)) out = out.map((s) => s + WILD);
    return capped([...new Set(out)]);
  } finally {
    seen.delete(name);
  }
}

function urlJoin(spec: string, base: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec)) return spec.startsWith('file://') ? spec : null;
  if (!base.startsWith('file://') && !base.startsWith('/')) return null;
  const basePath = base.startsWith('file://') ? base.slice(7) : base;
  const dir = basePath.endsWith('/') ? basePath : posix.dirname(basePath);
  const joined = spec.startsWith('/') ? spec : posix.join(dir, spec);
  return `file://${spec.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined}`;
}

function product(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return out;
}

function union(a: Value, b: Value): Value {
  if (!a && !b) return null;
  return capped([...new Set([...(a ?? [WILD]), ...(b ?? [WILD])])]);
}

function capped(v: string[]): Value {
  return v.length > MAX_ALTERNATIVES ? null : v;
}

function mapValue(v: Value, f: (s: string) => string): Value {
  return v ? v.map(f) : null;
}

/** `(0, path_1.join)` as TypeScript compiles a named import: the function itself. */
export function unwrapCallee(callee: AnyNode): AnyNode {
  return callee.type === 'SequenceExpression' ? callee.expressions[callee.expressions.length - 1]! : callee;
}

export function calleeName(callee: AnyNode): string | undefined {
  const c = unwrapCallee(callee);
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && !c.computed && c.property.type === 'Identifier') return c.property.name;
  return undefined;
}

/** 'url', 'dirname', 'filename' for `import.meta.<that>`. */
export function importMetaProperty(node: AnyNode): string | undefined {
  if (node.type !== 'MemberExpression' || node.computed || node.property.type !== 'Identifier') return undefined;
  const o = node.object;
  if (o.type !== 'MetaProperty' || o.meta.name !== 'import' || o.property.name !== 'meta') return undefined;
  return node.property.name;
}

// path, path_1 (tsc), node_path, posix, nodePath, upath...: a receiver that names the path module.
function isPathModule(node: AnyNode): boolean {
  if (node.type === 'Identifier') return /path|posix|win32/i.test(node.name);
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    return /^(posix|win32|path)$/.test(node.property.name) || isPathModule(node.object);
  }
  return false;
}

/** join/resolve/dirname of the path module, called as a method or imported by name. */
function isPathCall(callee: AnyNode, place: Place): boolean {
  if (callee.type === 'Identifier') return ['join', 'resolve', 'dirname'].includes(callee.name) && !isLocalFunction(callee.name, place);
  return callee.type === 'MemberExpression' && isPathModule(callee.object);
}

// A module's own `function join(...)` or `const resolve = (...) => ...` is not path's.
function isLocalFunction(name: string, place: Place): boolean {
  return (place.bindings.get(name) ?? []).some((v) => v !== 'unknown' && !('append' in v) && /Function/.test(v.type));
}
