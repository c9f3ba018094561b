// Finds, in one source file, what a bundler does not follow: data files reached through static
// paths (new URL('./x', import.meta.url), path.join(__dirname, 'x'), fs.readFileSync('x')), and
// import()/require() of computed specifiers, which become warnings. It also marks the expressions
// that name the file's own location, so a packed environment can point them at its copy.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, type AnyNode, type Program } from 'acorn';
import { ancestor } from 'acorn-walk';

export interface DataReference {
  path: string; // absolute
  line: number;
  column: number; // 1-based
}

export interface SourceWarning {
  line: number;
  column: number; // 1-based
  message: string;
}

/**
 * An expression to replace: when the file's data moves, with what it must then evaluate to
 * ('url': a file: URL string, 'path': a filesystem path, of `target`); 'opaque': a computed
 * specifier, wrapped so that esbuild does not try to bundle every file a glob of it matches.
 */
export interface Relocation {
  start: number;
  end: number;
  as: 'url' | 'path' | 'opaque';
  target: string; // the absolute path it names in the application ('' for 'opaque')
  prefix?: string; // written before the replacement (`__dirname: ` for the shorthand `{ __dirname }`)
}

export interface StaticReferences {
  data: DataReference[];
  warnings: SourceWarning[];
  relocations: Relocation[];
}

const NONE: StaticReferences = { data: [], warnings: [], relocations: [] };

/** True when the file must be rewritten even where nothing moves (it has computed specifiers). */
export function hasOpaque(refs: StaticReferences): boolean {
  return refs.relocations.some((r) => r.as === 'opaque');
}

// Cheap test before parsing: only files mentioning one of these can hold a reference.
const MAYBE = /import\.meta|__dirname|__filename|\.node['"`]|\b(?:require|import)\s*\(\s*[^'"\s)]|\b(?:readFileSync|readFile|createReadStream|readdirSync|openSync)\s*\(/;

// fs functions whose first argument is a path to read; a relative literal is relative to the working directory.
const FS_READERS = new Set(['readFileSync', 'readFile', 'createReadStream', 'readdirSync', 'readdir', 'openSync', 'open']);

/**
 * `root` is the folder the application runs from (a relative fs literal is resolved against it).
 * Returns nothing when the code does not parse: the bundler reports that error.
 */
export function scanReferences(file: string, code: string, root: string): StaticReferences {
  if (!MAYBE.test(code)) return NONE;
  const ast = parseAny(code);
  if (!ast) return NONE;
  const out: StaticReferences = { data: [], warnings: [], relocations: [] };
  const here = dirname(file);
  const declared = declaredLocationNames(ast);
  const at = (n: AnyNode): { line: number; column: number } => ({ line: n.loc!.start.line, column: n.loc!.start.column + 1 });
  const addData = (node: AnyNode, path: string): void => {
    if (existsSync(path)) out.data.push({ path, ...at(node) });
    else out.warnings.push({ ...at(node), message: `static path ${relative(root, path)} does not exist; nothing is packed for it` });
  };
  const warnComputed = (node: AnyNode, arg: AnyNode, what: string): void => {
    out.relocations.push({ start: arg.start, end: arg.end, as: 'opaque', target: '' });
    out.warnings.push({
      ...at(node),
      message: `${what} of a computed specifier is not followed: the modules it loads are not in the environment`,
    });
  };

  ancestor(ast, {
    MemberExpression(node) {
      const prop = importMetaProperty(node);
      if (prop === 'url') out.relocations.push({ start: node.start, end: node.end, as: 'url', target: file });
      else if (prop === 'dirname') out.relocations.push({ start: node.start, end: node.end, as: 'path', target: here });
      else if (prop === 'filename') out.relocations.push({ start: node.start, end: node.end, as: 'path', target: file });
    },
    Identifier(node, _state, ancestors) {
      if ((node.name !== '__dirname' && node.name !== '__filename') || declared.has(node.name)) return;
      const parent = ancestors[ancestors.length - 2];
      const shorthand = parent?.type === 'Property' && parent.shorthand;
      out.relocations.push({
        start: node.start,
        end: node.end,
        as: 'path',
        target: node.name === '__dirname' ? here : file,
        ...(shorthand ? { prefix: `${node.name}: ` } : {}),
      });
    },
    NewExpression(node) {
      // new URL('./x', import.meta.url)
      const [spec, base] = node.arguments;
      if (node.callee.type !== 'Identifier' || node.callee.name !== 'URL' || !base || importMetaProperty(base) !== 'url') return;
      const text = literalString(spec);
      if (text === undefined || /^[a-z][a-z0-9+.-]*:/i.test(text)) return;
      addData(node, fileURLToPath(new URL(text, pathToFileURL(file))));
    },
    BinaryExpression(node) {
      // __dirname + '/x'
      const tail = literalString(node.right);
      if (node.operator !== '+' || tail === undefined || !isOwnDirectory(node.left)) return;
      addData(node, resolve(here, `.${tail.startsWith('/') ? '' : '/'}${tail}`));
    },
    CallExpression(node) {
      const name = calleeName(node.callee);
      const [first, ...rest] = node.arguments;
      if ((name === 'join' || name === 'resolve') && first && isOwnDirectory(first)) {
        const parts = rest.map((a) => literalString(a));
        if (parts.length > 0 && parts.every((p) => p !== undefined)) addData(node, resolve(here, ...(parts as string[])));
        return;
      }
      if (name !== undefined && FS_READERS.has(name) && first) {
        const text = literalString(first);
        if (text === undefined) return;
        if (isAbsolute(text)) {
          out.warnings.push({ ...at(node), message: `reads the absolute path ${text}, which is not packed: it must exist where the function runs` });
          return;
        }
        const path = resolve(root, text);
        if (!existsSync(path)) return; // perhaps written first by the function itself
        out.data.push({ path, ...at(node) });
        out.relocations.push({ start: first.start, end: first.end, as: 'path', target: path });
        return;
      }
      if (node.callee.type === 'Identifier' && node.callee.name === 'require' && first) {
        const spec = literalString(first);
        if (spec === undefined) warnComputed(node, first, 'require()');
        // A native addon of the application itself: loaded by path, so copied like data.
        else if (/^\.\.?\//.test(spec) && spec.endsWith('.node')) addData(node, resolve(here, spec));
      }
    },
    ImportExpression(node) {
      if (literalString(node.source) === undefined) warnComputed(node, node.source, 'import()');
    },
  });
  return out;
}

function parseAny(code: string): Program | undefined {
  for (const sourceType of ['module', 'script'] as const) {
    try {
      return parse(code, {
        ecmaVersion: 'latest',
        sourceType,
        allowHashBang: true,
        allowReturnOutsideFunction: sourceType === 'script',
        allowAwaitOutsideFunction: true,
        locations: true,
      });
    } catch {
      // try the other module system
    }
  }
  return undefined;
}

/** 'url', 'dirname', 'filename' for `import.meta.<that>`. */
function importMetaProperty(node: AnyNode): string | undefined {
  if (node.type !== 'MemberExpression' || node.computed || node.property.type !== 'Identifier') return undefined;
  const o = node.object;
  if (o.type !== 'MetaProperty' || o.meta.name !== 'import' || o.property.name !== 'meta') return undefined;
  return node.property.name;
}

/** `__dirname`, `import.meta.dirname`, or `dirname(fileURLToPath(import.meta.url))`. */
function isOwnDirectory(node: AnyNode): boolean {
  if (node.type === 'Identifier') return node.name === '__dirname';
  if (importMetaProperty(node) === 'dirname') return true;
  if (node.type !== 'CallExpression' || calleeName(node.callee) !== 'dirname') return false;
  const inner = node.arguments[0];
  if (!inner || inner.type !== 'CallExpression' || calleeName(inner.callee) !== 'fileURLToPath') return false;
  const arg = inner.arguments[0];
  return arg !== undefined && importMetaProperty(arg) === 'url';
}

function calleeName(callee: AnyNode): string | undefined {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') return callee.property.name;
  return undefined;
}

function literalString(node: AnyNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]!.value.cooked ?? undefined;
  return undefined;
}

/** Names the file declares itself (an ES module's own `const __dirname = ...`). */
function declaredLocationNames(ast: Program): Set<string> {
  const names = new Set<string>();
  ancestor(ast, {
    VariableDeclarator(node) {
      if (node.id.type === 'Identifier' && (node.id.name === '__dirname' || node.id.name === '__filename')) names.add(node.id.name);
    },
  });
  return names;
}
