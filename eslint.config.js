// ESLint: TypeScript rules, and the rules that keep the house's map true (see docs/architecture.md):
// the protocol is the one door between the manager side (lib/) and the worker side (runtime/), and no
// module imports itself back through a cycle.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const forbid = (folders, why) => ({
  'no-restricted-imports': ['error', {
    patterns: folders.map((f) => ({ regex: `(^|/)${f}/`, message: why })),
  }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'docs/**', 'bench-out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Walking a chain from `this` (for (let s = this; s; s = s.parent)) is the one use made of it.
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  // Tests read terminal output: escape sequences in their regular expressions are meant.
  { files: ['test/**/*.ts'], rules: { 'no-control-regex': 'off' } },
  { files: ['runtime/**/*.ts'], rules: forbid(['lib', 'analyzer', 'cli'], 'the worker side reaches the manager side only through protocol/') },
  { files: ['lib/**/*.ts'], rules: forbid(['runtime', 'cli'], 'the manager side reaches the worker side only through protocol/') },
  { files: ['protocol/**/*.ts'], rules: forbid(['lib', 'runtime', 'analyzer', 'cli'], 'protocol/ is the door: it imports neither side') },
  { files: ['analyzer/**/*.ts'], rules: forbid(['lib', 'runtime', 'cli'], 'the analyzer is used by both sides and uses neither') },
  prettier,
);
