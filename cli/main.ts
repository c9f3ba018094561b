#!/usr/bin/env node
// The trellis command: a thin shell over lib/, runtime/ and analyzer/.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { workerCommand } from './worker-command.js';
import { statusCommand } from './status-command.js';
import { plotCommand } from './plot-command.js';
import { factoryCommand } from './factory-command.js';
import { allocateCommand } from './allocate-command.js';
import { analyzeCommand } from './analyze-command.js';
import { packCommand } from './pack-command.js';
import { runCommand } from './run-command.js';
import { replCommand } from './repl-command.js';
import { catalogCommand, catalogQueryCommand } from './catalog-command.js';
import { queryCommand } from './query-command.js';

// package.json sits two folders up from dist/cli/main.js, in a clone and in an installed package alike.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('trellis')
  .description('run JavaScript functions and commands on a pool of workers')
  .version(version, '-V, --version', 'print the version of trellis')
  .showHelpAfterError()
  .addCommand(workerCommand())
  .addCommand(statusCommand())
  .addCommand(plotCommand())
  .addCommand(factoryCommand())
  .addCommand(allocateCommand())
  .addCommand(analyzeCommand())
  .addCommand(packCommand())
  .addCommand(runCommand())
  .addCommand(replCommand())
  .addCommand(catalogCommand())
  .addCommand(catalogQueryCommand())
  .addCommand(queryCommand());

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`trellis: ${err.message}`);
  process.exitCode = 1;
});
