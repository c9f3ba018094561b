// Locations in the project, found from the compiled test file (dist/test/helpers → project root).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const CLI = resolve(PROJECT_ROOT, 'dist/cli/main.js');
