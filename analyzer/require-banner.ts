// The lines put before an ESM bundle so bundled CommonJS code still finds `require` (for
// Node builtins, the only thing left external), `__filename` and `__dirname`.
import { parse, type Pattern, type Program } from 'acorn';

const IMPORTS = [
  'import { createRequire as __trellis_createRequire } from "node:module";',
  'import { fileURLToPath as __trellis_fileURLToPath } from "node:url";',
  'import { dirname as __trellis_dirname } from "node:path";',
];

const DEFINITIONS: [name: string, line: string][] = [
  ['require', 'const require = __trellis_createRequire(import.meta.url);'],
  ['__filename', 'const __filename = __trellis_fileURLToPath(import.meta.url);'],
  ['__dirname', 'const __dirname = __trellis_dirname(__trellis_fileURLToPath(import.meta.url));'],
];

/** The banner for `code`, leaving out any name the bundle already declares at top level. */
export function requireBanner(code: string): string {
  const declared = topLevelNames(code);
  const lines = [...IMPORTS];
  for (const [name, line] of DEFINITIONS) if (!declared.has(name)) lines.push(line);
  return lines.join('\n') + '\n';
}

function topLevelNames(code: string): Set<string> {
  const names = new Set<string>();
  let program: Program;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch {
    return names; // esbuild's own output: cannot fail in practice; then no name is taken
  }
  for (let stmt of program.body) {
    if (stmt.type === 'ExportNamedDeclaration' && stmt.declaration) stmt = stmt.declaration;
    if (stmt.type === 'ImportDeclaration') for (const s of stmt.specifiers) names.add(s.local.name);
    else if (stmt.type === 'VariableDeclaration') for (const d of stmt.declarations) addPattern(d.id, names);
    else if ((stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') && stmt.id) names.add(stmt.id.name);
  }
  return names;
}

function addPattern(p: Pattern, names: Set<string>): void {
  switch (p.type) {
    case 'Identifier':
      names.add(p.name);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties) addPattern(prop.type === 'RestElement' ? prop.argument : prop.value, names);
      break;
    case 'ArrayPattern':
      for (const el of p.elements) if (el) addPattern(el, names);
      break;
    case 'RestElement':
      addPattern(p.argument, names);
      break;
    case 'AssignmentPattern':
      addPattern(p.left, names);
      break;
    default:
      break; // MemberExpression targets declare nothing
  }
}
