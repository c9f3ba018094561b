// The lines put before an ESM bundle so bundled CommonJS code still finds `require` (for
// Node builtins, the only thing left external), `__filename` and `__dirname`.
// They are `var`s: a module may declare a `var` twice, so a bundle's own top-level `var` of the
// same name simply takes over. Only a lexical declaration (function, class, let, const, import)
// of the name would clash; esbuild prints top-level statements at column 0, so a line scan finds
// those without parsing a bundle that can be megabytes long.

const IMPORTS = [
  'import { createRequire as __trellis_createRequire } from "node:module";',
  'import { fileURLToPath as __trellis_fileURLToPath } from "node:url";',
  'import { dirname as __trellis_dirname } from "node:path";',
];

const DEFINITIONS: [name: string, line: string][] = [
  ['require', 'var require = __trellis_createRequire(import.meta.url);'],
  ['__filename', 'var __filename = __trellis_fileURLToPath(import.meta.url);'],
  ['__dirname', 'var __dirname = __trellis_dirname(__trellis_fileURLToPath(import.meta.url));'],
];

/** The banner for `code`, leaving out any name the bundle declares lexically at top level. */
export function requireBanner(code: string): string {
  const lines = [...IMPORTS];
  for (const [name, line] of DEFINITIONS) if (!declaresLexically(code, name)) lines.push(line);
  return lines.join('\n') + '\n';
}

function declaresLexically(code: string, name: string): boolean {
  const declaration = new RegExp(`^(?:(?:async\\s+)?function\\s*\\*?\\s*|class\\s+|(?:let|const)\\s+)${name}(?![\\w$])`, 'm');
  if (declaration.test(code)) return true;
  // An import binding: `import { x as require } from ...` (perhaps over several lines).
  const imports = code.match(/^import\b[^;]*;/gm) ?? [];
  return imports.some((i) => new RegExp(`(?<![\\w$.])${name}(?![\\w$])`).test(i.replace(/(["'])(?:(?!\1).)*\1/g, '')));
}
