// Finds, in one source file, what a bundler does not follow: data files reached through paths
// (new URL(x, import.meta.url), path.join(__dirname, x), fs reads relative to the project root, and
// every way of building those strings static-value.ts evaluates), require()/import() of specifiers it
// can evaluate but esbuild cannot, require called through an alias or a wrapper's parameter (UMD/AMD
// factories, createRequire), and require.resolve() targets. A path only partly known becomes a glob
// over the files that exist (bounded); what cannot be known at all is a warning saying what was taken.
// It also marks the expressions that name the file's own location, so an environment can point them
// at its copy, and the rewrites that make esbuild bundle what it would leave out.
import { existsSync, statSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parse, type AnyNode, type Program } from 'acorn';
import { ancestor } from 'acorn-walk';
import { globSync } from 'tinyglobby';
import { listFiles } from './list-files.js';
import { WILD, calleeName, evaluate, importMetaProperty, placeOf, unwrapCallee, type Place } from './static-value.js';

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
 * An expression to replace. When the file's data moves: 'url' (a file: URL string) or 'path' (a
 * filesystem path) of `target`; 'cwd': wrapped so a relative path is read from the project's copy.
 * Always: 'opaque', a computed specifier wrapped so that esbuild does not try to bundle every file a
 * glob of it matches; 'text', replaced by `text` (a require esbuild can follow).
 */
export interface Relocation {
  start: number;
  end: number;
  as: 'url' | 'path' | 'opaque' | 'cwd' | 'text';
  target: string; // the absolute path it names in the application ('' for the others)
  prefix?: string; // written before the replacement (`__dirname: ` for the shorthand `{ __dirname }`)
  text?: string;
}

export interface StaticReferences {
  data: DataReference[];
  warnings: SourceWarning[];
  relocations: Relocation[];
}

/** Bounds of a glob over a partly known path: past them it takes nothing and says so. */
export const GLOB_LIMITS = { files: 1000, bytes: 100 * 2 ** 20 };

const NONE: StaticReferences = { data: [], warnings: [], relocations: [] };

/** True when the file must be rewritten even where nothing moves. */
export function mustRewrite(refs: StaticReferences): boolean {
  return refs.relocations.some((r) => r.as === 'opaque' || r.as === 'text');
}

// Cheap test before parsing: only files mentioning one of these can hold a reference.
const MAYBE =
  /import\.meta|__dirname|__filename|\.node['"`]|\b(?:require|import)\s*\(\s*[^'"\s)]|process\.cwd|require\.resolve|createRequire|function\s*\(\s*require\b|=\s*require\s*[;,)]|\b(?:readFileSync|readFile|createReadStream|readdirSync|readdir|openSync|existsSync|statSync|readJsonSync|readJson|readJSON|readJSONSync)\s*\(/;

const OWN_PLACE = /__dirname|__filename|import\.meta|process\.cwd/;

// fs (and fs-extra, graceful-fs, fs/promises) functions whose first argument is a path to read.
const FS_READERS = new Set(['readFileSync', 'readFile', 'createReadStream', 'readdirSync', 'readdir', 'openSync', 'open', 'existsSync',
  'statSync', 'lstatSync', 'accessSync', 'readJsonSync', 'readJson', 'readJSON', 'readJSONSync', 'pathExists', 'pathExistsSync',
  'opendirSync', 'opendir', 'readlinkSync', 'realpathSync']);

/**
 * `root` is the folder the application runs from (a relative fs path is resolved against it).
 * Returns nothing when the code does not parse: the bundler reports that error.
 */
export function scanReferences(file: string, code: string, root: string): StaticReferences {
  if (!MAYBE.test(code)) return NONE;
  const parsed = parseAny(code);
  if (!parsed) return NONE;
  const { ast, esm } = parsed;
  const out: StaticReferences = { data: [], warnings: [], relocations: [] };
  const here = dirname(file);
  const place = placeOf(file, root, ast);
  const taken = new Set<string>();
  const warned = new Set<string>();
  const at = (n: AnyNode): { line: number; column: number } => ({ line: n.loc!.start.line, column: n.loc!.start.column + 1 });
  const warn = (n: AnyNode, message: string): void => {
    const key = `${n.start}:${message}`;
    if (warned.has(key)) return;
    warned.add(key);
    out.warnings.push({ ...at(n), message });
  };
  const take = (n: AnyNode, path: string): void => {
    if (taken.has(path)) return;
    taken.add(path);
    out.data.push({ path, ...at(n) });
  };
  const show = (n: AnyNode): string => {
    const text = code.slice(n.start, n.end).replace(/\s+/g, ' ');
    return text.length > 70 ? `${text.slice(0, 67)}...` : text;
  };
  const inProject = (p: string): boolean => p.startsWith(root + sep);

  /** Takes what an absolute path (perhaps with unknown parts) names; false when it names nothing. */
  const takePath = (n: AnyNode, path: string, what: string, mustExist: boolean): void => {
    if (path.includes(WILD)) return takeGlob(n, path, what);
    if (!existsSync(path)) {
      if (mustExist) warn(n, `${what} names ${rel(path)}, which does not exist; nothing is shipped for it`);
      return;
    }
    if (!statSync(path).isDirectory()) return take(n, path);
    if (file.startsWith(path + sep)) {
      // The module's own folder (or one above): its code, not its data.
      if (!what.startsWith('the path') && !what.startsWith('new URL()')) warn(n, `${what} names the folder ${rel(path)}, which holds the module itself; nothing is shipped for it: list what it needs in 'include'`);
      return;
    }
    if (!inProject(path) || root.startsWith(path) || path === dirname(root)) {
      return warn(n, `${what} names the folder ${rel(path)}, too broad to ship; list what it needs in 'include'`);
    }
    const files = listFiles(path, ['node_modules']);
    const over = overLimits(files);
    if (over) return warn(n, `${what} names the folder ${rel(path)} (${over}); nothing is shipped for it: list what it needs in 'include'`);
    take(n, path);
  };
  const takeGlob = (n: AnyNode, path: string, what: string): void => {
    const cut = path.indexOf(WILD);
    const base = path.slice(0, path.lastIndexOf('/', cut) + 1);
    const pattern = globOf(path.slice(base.length));
    const shown = `${rel(base)}${rel(base) ? '/' : ''}${pattern}`;
    if (!inProject(base.replace(/\/$/, '')) && base !== root + sep) {
      return warn(n, `${what} is only partly known and could lie anywhere; nothing is shipped for it: list what it needs in 'include'`);
    }
    if (!existsSync(base)) return warn(n, `${what} is only partly known: nothing matches ${shown}`);
    const inModules = base.includes(`${sep}node_modules${sep}`);
    const files = globSync(pattern, { cwd: base, absolute: true, dot: true, onlyFiles: true, ...(inModules ? {} : { ignore: ['**/node_modules/**'] }) });
    const over = overLimits(files);
    if (over) return warn(n, `${what} is only partly known: ${shown} matches ${over}; nothing is shipped for it: list what it needs in 'include'`);
    for (const f of files.sort()) take(n, f);
    warn(n, `${what} is only partly known: took the ${files.length} file(s) matching ${shown}`);
  };
  const rel = (p: string): string => relative(root, p).split(sep).join('/');
  const inPackage = file.includes(`${sep}node_modules${sep}`);
  const isParameter = (name: string): boolean => (place.bindings.get(name) ?? []).every((v) => v === 'unknown');

  /** A path expression outside any read: taken when it names something in the project. */
  const pathExpression = (n: AnyNode, what: string): void => {
    const v = evaluate(n, place);
    if (!v) return;
    for (const alt of v) {
      const p = alt.startsWith('file://') ? alt.slice(7) : alt;
      if (!isAbsolute(p) || p.startsWith(WILD) || !inProject(p)) continue;
      takePath(n, p, `${what} ${show(n)}`, what === 'new URL()');
    }
  };

  /** The first argument of an fs read. */
  const fsRead = (call: AnyNode, arg: AnyNode, name: string): void => {
    const v = evaluate(arg, place);
    if (!v || v.every((a) => a === WILD || a.startsWith(WILD))) {
      // A package's function reading the path its caller passes: the caller's read is the one to follow.
      if (inPackage && arg.type === 'Identifier' && isParameter(arg.name)) return;
      if (!isUnknownHandle(arg)) warn(call, `${name}(${show(arg)}) reads a path computed at run time; nothing is shipped for it: list what it reads in 'include'`);
      return;
    }
    let relativeRead = false;
    for (const alt of v) {
      const p = alt.startsWith('file://') ? alt.slice(7) : alt;
      if (p.startsWith(WILD)) {
        warn(call, `${name}(${show(arg)}) reads a path only partly known at run time; nothing is shipped for that part: list it in 'include'`);
        continue;
      }
      if (isAbsolute(p) && !inProject(p)) {
        warn(call, `${name}() reads the absolute path ${p.replaceAll(WILD, '*')}, which is not shipped: it must exist where the function runs`);
        continue;
      }
      if (!isAbsolute(p)) relativeRead = true;
      takePath(call, isAbsolute(p) ? p : resolve(root, p), `${name}(${show(arg)})`, false);
    }
    if (!relativeRead) return;
    const literal = literalString(arg);
    if (literal !== undefined) out.relocations.push({ start: arg.start, end: arg.end, as: 'path', target: resolve(root, literal) });
    else out.relocations.push({ start: arg.start, end: arg.end, as: 'cwd', target: '' });
  };

  let helpers = 0;
  /** A call to require through an alias or a wrapper's parameter, of a specifier known statically. */
  const requireThroughAlias = (call: AnyNode, spec: string): void => {
    if (spec.endsWith('.node')) {
      if (/^\.\.?\//.test(spec)) takePath(call, resolve(here, spec), `require('${spec}')`, true);
      return;
    }
    if (isBuiltin(spec)) return;
    const name = `__trellis_require_${helpers++}`;
    out.relocations.push({ start: call.start, end: call.end, as: 'text', target: '', text: `${name}()` });
    const helper = esm
      ? `\nimport ${name} from ${JSON.stringify(`trellis-require:${JSON.stringify({ spec, dir: here })}`)};\n`
      : `\nfunction ${name}() { return require(${JSON.stringify(spec)}); }\n`;
    out.relocations.push({ start: code.length, end: code.length, as: 'text', target: '', text: helper });
  };

  /** require(E) / import(E) where E is not a literal. */
  const computedSpecifier = (call: AnyNode, arg: AnyNode, kind: 'require()' | 'import()', alias: boolean): void => {
    const v = evaluate(arg, place);
    const specs = v?.map((s) => (isAbsolute(s) ? relativeSpecifier(here, s) : s.startsWith('file://') ? relativeSpecifier(here, s.slice(7)) : s));
    if (!specs || specs.every((s) => s.startsWith(WILD))) {
      out.relocations.push({ start: arg.start, end: arg.end, as: 'opaque', target: '' });
      return warn(call, `${kind} of ${show(arg)} is computed at run time: the modules it loads are not in the environment (list them in 'include' or import them statically)`);
    }
    const known = specs.filter((s) => !s.includes(WILD));
    const load = kind === 'require()' ? 'require' : 'import';
    const chain = known.map((s) => `__s === ${JSON.stringify(s)} ? ${load}(${JSON.stringify(s)}) : `).join('');
    if (known.length < specs.length) {
      const partial = specs.find((s) => s.includes(WILD))!;
      if (/^\.\.?\//.test(partial) && !alias && (arg.type === 'TemplateLiteral' || arg.type === 'BinaryExpression') && specs.length === 1) {
        const files = globSync(globOf(partial.replace(/^\.\//, '')), { cwd: here, dot: true, onlyFiles: true, ignore: ['**/node_modules/**'] });
        if (files.length > 0 && !overLimits(files.map((f) => resolve(here, f)))) {
          return warn(call, `${kind} of ${show(arg)} is only partly known: bundled the ${files.length} module(s) matching ${globOf(partial)}`);
        }
      }
      // The known branches are bundled; the rest is loaded at run time, as written.
      if (known.length > 0 && !alias) {
        out.relocations.push({ start: call.start, end: call.end, as: 'text', target: '', text: `((__s) => ${chain}${load}((0, __s)))(${code.slice(arg.start, arg.end)})` });
      } else out.relocations.push({ start: arg.start, end: arg.end, as: 'opaque', target: '' });
      return warn(call, `${kind} of ${show(arg)} is only partly known: ${known.length > 0 ? `took ${known.join(', ')}; ` : ''}` +
        `the modules its unknown part names are not in the environment (list them in 'include')`);
    }
    if (alias && kind === 'require()' && known.length === 1) return requireThroughAlias(call, known[0]!);
    if (known.length === 1) {
      out.relocations.push({ start: arg.start, end: arg.end, as: 'text', target: '', text: JSON.stringify(known[0]) });
      return;
    }
    if (alias) return warn(call, `${kind} of ${show(arg)} through an alias may load ${known.join(', ')}: not followed`);
    out.relocations.push({ start: call.start, end: call.end, as: 'text', target: '', text: `((__s) => ${chain}${load}(__s))(${code.slice(arg.start, arg.end)})` });
  };

  // Names bound to require itself: `const r = require`, createRequire(...) results, wrapper parameters.
  const aliases = new Set<string>();
  for (const [name, values] of place.bindings) {
    for (const v of values) {
      if (v === 'unknown' || 'append' in v) continue;
      if ((v.type === 'Identifier' && v.name === 'require') || (v.type === 'CallExpression' && calleeName(v.callee) === 'createRequire')) aliases.add(name);
    }
  }
  if (place.declared.has('require')) aliases.add('require'); // a factory's parameter, or an ES module's createRequire

  ancestor(ast, {
    MemberExpression(node) {
      const prop = importMetaProperty(node);
      if (prop === 'url') out.relocations.push({ start: node.start, end: node.end, as: 'url', target: file });
      else if (prop === 'dirname') out.relocations.push({ start: node.start, end: node.end, as: 'path', target: here });
      else if (prop === 'filename') out.relocations.push({ start: node.start, end: node.end, as: 'path', target: file });
    },
    Identifier(node, _state, ancestors) {
      if ((node.name !== '__dirname' && node.name !== '__filename') || place.declared.has(node.name)) return;
      const parent = ancestors[ancestors.length - 2];
      if (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
      if (parent?.type === 'Property' && parent.key === node && !parent.shorthand) return;
      const shorthand = parent?.type === 'Property' && parent.shorthand;
      out.relocations.push({
        start: node.start,
        end: node.end,
        as: 'path',
        target: node.name === '__dirname' ? here : file,
        ...(shorthand ? { prefix: `${node.name}: ` } : {}),
      });
    },
    NewExpression(node, _s, ancestors) {
      if (node.callee.type !== 'Identifier' || node.callee.name !== 'URL' || node.arguments.length < 2) return;
      if (handledAbove(ancestors)) return;
      pathExpression(node, 'new URL()');
    },
    // Outside a read or a load, only strings built from the module's own place (or the working
    // directory) are paths worth following; the check on the text skips evaluating every `a + b`.
    BinaryExpression(node, _s, ancestors) {
      if (node.operator !== '+' || !OWN_PLACE.test(code.slice(node.start, node.end)) || handledAbove(ancestors)) return;
      pathExpression(node, 'the path');
    },
    TemplateLiteral(node, _s, ancestors) {
      if (node.expressions.length === 0 || !OWN_PLACE.test(code.slice(node.start, node.end)) || handledAbove(ancestors)) return;
      pathExpression(node, 'the path');
    },
    CallExpression(node, _s, ancestors) {
      const callee = unwrapCallee(node.callee);
      const name = calleeName(node.callee);
      const [first] = node.arguments;
      if (name === 'cwd' && callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'process') {
        out.relocations.push({ start: node.start, end: node.end, as: 'path', target: root });
        return;
      }
      if (isPathBuilder(node)) {
        if (!handledAbove(ancestors)) pathExpression(node, 'the path');
        return;
      }
      if (!first || first.type === 'SpreadElement') return;
      if (name !== undefined && FS_READERS.has(name) && !(callee.type === 'Identifier' && place.bindings.has(name))) {
        fsRead(node, first, name);
        return;
      }
      // require.resolve('x'): the file it names must be there, at its place in the environment.
      if (name === 'resolve' && callee.type === 'MemberExpression' && callee.object.type === 'Identifier' &&
          (callee.object.name === 'require' || aliases.has(callee.object.name))) {
        const v = evaluate(first, place);
        if (!v || v.some((s) => s.includes(WILD))) return warn(node, `require.resolve(${show(first)}) is computed at run time; nothing is shipped for it`);
        for (const spec of v) {
          let target: string;
          try {
            target = createRequire(file).resolve(spec);
          } catch {
            warn(node, `require.resolve('${spec}') names nothing installed here; nothing is shipped for it`);
            continue;
          }
          if (isBuiltin(target) || !isAbsolute(target)) continue;
          take(node, target);
          if (v.length === 1) out.relocations.push({ start: node.start, end: node.end, as: 'path', target });
        }
        return;
      }
      if (callee.type !== 'Identifier') return;
      const viaAlias = aliases.has(callee.name);
      if (callee.name !== 'require' && !viaAlias) return;
      const spec = literalString(first);
      if (spec !== undefined) {
        if (viaAlias) requireThroughAlias(node, spec);
        // A native addon of the application itself: loaded by path, so copied like data.
        else if (/^\.\.?\//.test(spec) && spec.endsWith('.node')) takePath(node, resolve(here, spec), `require('${spec}')`, true);
        return;
      }
      computedSpecifier(node, first, 'require()', viaAlias);
    },
    ImportExpression(node) {
      if (literalString(node.source) === undefined) computedSpecifier(node, node.source, 'import()', false);
    },
  });
  return out;

  /** True when the node's parent builds a path from it, or reads or loads it: that one takes it. */
  function handledAbove(ancestors: AnyNode[]): boolean {
    const parent = ancestors[ancestors.length - 2];
    if (isPathBuilder(parent)) return true;
    if (parent?.type === 'ImportExpression') return true;
    if (parent?.type !== 'CallExpression') return false;
    const name = calleeName(parent.callee);
    return name !== undefined && (FS_READERS.has(name) || name === 'require' || aliases.has(name) || name === 'resolve');
  }

  function isPathBuilder(n: AnyNode | undefined): boolean {
    if (!n) return false;
    if (n.type === 'BinaryExpression') return n.operator === '+';
    if (n.type === 'TemplateLiteral') return true;
    if (n.type === 'NewExpression') return n.callee.type === 'Identifier' && n.callee.name === 'URL';
    if (n.type === 'MemberExpression') return !n.computed && n.property.type === 'Identifier' && n.property.name === 'sep';
    if (n.type !== 'CallExpression') return false;
    const c = unwrapCallee(n.callee);
    const name = calleeName(n.callee);
    if (name === 'concat' || name === 'fileURLToPath') return true;
    if (name !== 'join' && name !== 'resolve' && name !== 'dirname') return false;
    if (c.type === 'Identifier') return !placeHasFunction(place, c.name);
    return c.type === 'MemberExpression' && c.object.type !== 'ArrayExpression' && /path|posix|win32/i.test(code.slice(c.object.start, c.object.end));
  }
}

function placeHasFunction(place: Place, name: string): boolean {
  return (place.bindings.get(name) ?? []).some((v) => v !== 'unknown' && !('append' in v) && /Function/.test(v.type));
}

/** A file descriptor or handle variable passed to an fs function: not a path at all. */
function isUnknownHandle(arg: AnyNode): boolean {
  return arg.type === 'Identifier' && /^(fd|handle|file[Dd]escriptor)$/.test(arg.name);
}

/** What the glob library matches for a path with unknown parts: a whole unknown segment is `**`. */
function globOf(path: string): string {
  return path
    .split('/')
    .map((seg) => (seg === WILD ? '**' : seg.replace(/[*?[\]{}()!+@]/g, '\\$&').replaceAll(WILD, '*')))
    .join('/');
}

function overLimits(files: string[]): string | null {
  if (files.length > GLOB_LIMITS.files) return `${files.length} files, more than ${GLOB_LIMITS.files}`;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      // removed meanwhile
    }
  }
  return bytes > GLOB_LIMITS.bytes ? `${(bytes / 2 ** 20).toFixed(0)} MB, more than ${GLOB_LIMITS.bytes / 2 ** 20} MB` : null;
}

function relativeSpecifier(from: string, abs: string): string {
  const r = relative(from, abs).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

/** Import attributes in their older spelling (`assert { type: 'json' }`) as acorn reads them: `with`, same length. */
export function withImportAttributes(code: string): string {
  return code.includes('assert') ? code.replace(/(\bfrom\s*(["'])[^"'\n]*\2\s*)assert(\s*\{)/g, '$1with  $3') : code;
}

function parseAny(code: string): { ast: Program; esm: boolean } | undefined {
  const source = withImportAttributes(code);
  for (const sourceType of ['module', 'script'] as const) {
    try {
      const ast = parse(source, {
        ecmaVersion: 'latest',
        sourceType,
        allowHashBang: true,
        allowReturnOutsideFunction: sourceType === 'script',
        allowAwaitOutsideFunction: true,
        locations: true,
      });
      const esm = sourceType === 'module' && (/\bimport\.meta\b/.test(code) ||
        ast.body.some((s) => s.type === 'ImportDeclaration' || s.type.startsWith('Export')));
      return { ast, esm };
    } catch {
      // try the other module system
    }
  }
  return undefined;
}

function literalString(node: AnyNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]!.value.cooked ?? undefined;
  return undefined;
}
