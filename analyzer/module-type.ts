// Which module system Node 20 would load a file with: the extension first, then the
// nearest package.json "type"; files neither settles are decided by syntax (parse-module.ts).
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export type ModuleType = 'module' | 'commonjs';

/** 'ambiguous' means: no extension or "type" decides, so Node detects from the syntax. */
export function declaredModuleType(file: string): ModuleType | 'ambiguous' {
  const ext = extname(file);
  if (ext === '.mjs' || ext === '.mts') return 'module';
  if (ext === '.cjs' || ext === '.cts') return 'commonjs';
  const type = nearestPackageType(dirname(file));
  if (type === 'module' || type === 'commonjs') return type;
  return 'ambiguous';
}

// Directory -> "type" of its nearest package.json (undefined: none, or no "type").
const typeByDir = new Map<string, string | undefined>();

function nearestPackageType(dir: string): string | undefined {
  const seen: string[] = [];
  let found: string | undefined;
  for (let d = dir; ; ) {
    if (typeByDir.has(d)) {
      found = typeByDir.get(d);
      break;
    }
    seen.push(d);
    const pkg = readPackageJson(join(d, 'package.json'));
    if (pkg !== null) {
      found = typeof pkg.type === 'string' ? pkg.type : undefined;
      break;
    }
    const parent = dirname(d);
    // Node stops at the filesystem root and does not look above a node_modules folder.
    if (parent === d || basename(d) === 'node_modules') break;
    d = parent;
  }
  for (const d of seen) typeByDir.set(d, found);
  return found;
}

function readPackageJson(path: string): { type?: unknown } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as { type?: unknown }) : {};
  } catch {
    return {}; // Node would fail on it too; for the analyzer it simply declares no type
  }
}

/** Forget cached package.json lookups (tests that write package.json files use this). */
export function clearModuleTypeCache(): void {
  typeByDir.clear();
}
