// `trellis repl`: the JX explorer. On a terminal: a prompt, line editing and history (kept in
// ~/.trellis_repl_history or TRELLIS_REPL_HISTORY); in a pipe: one result per line, errors on stderr.
import { createInterface } from 'node:readline';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { ReplSession, type ReplResult } from '../lib/repl/repl-session.js';
import { catalogAddress } from '../lib/catalog/catalog-client.js';
import { jxToString } from '../lib/jx/index.js';
import { readPasswordFile } from './password-file.js';
import { nonNegative, positive } from './parse-values.js';

const HISTORY_LINES = 1000;

export function replCommand(): Command {
  return new Command('repl')
    .description('explore JX interactively: evaluate expressions, fetch the catalog and managers\' status')
    .option('--catalog <host:port>', 'the catalog server for `catalog` (default: TRELLIS_CATALOG)')
    .option('--password-file <file>', 'file whose first line is the managers\' password, for `status HOST:PORT`')
    .option('--timeout <s>', 'give up on a catalog or manager after this many seconds', nonNegative('--timeout'), 10)
    .option('--max-steps <n>', 'most evaluation steps per expression', positive('--max-steps'))
    .action(async (o: Record<string, unknown>) => {
      const session = new ReplSession({
        catalog: catalogAddress(o.catalog as string | undefined),
        password: o.passwordFile ? readPasswordFile(o.passwordFile as string) : null,
        timeout: o.timeout as number,
        limits: o.maxSteps ? { maxSteps: o.maxSteps as number } : {},
      });
      const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
      await (tty ? interactive(session) : piped(session));
    });
}

async function piped(session: ReplSession): Promise<void> {
  const rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  let failed = false;
  const show = (r: ReplResult): boolean => {
    if (r.kind === 'value') console.log(jxToString(r.value));
    else if (r.kind === 'text') console.log(r.text);
    else if (r.kind === 'error') { console.error(r.text); failed = true; }
    return r.kind !== 'quit';
  };
  let open = true;
  for await (const line of rl) {
    if (!open) continue;
    open = show(await session.feed(line));
  }
  if (open && session.continuing) show(await session.feed('', true));
  if (failed) process.exitCode = 1;
}

async function interactive(session: ReplSession): Promise<void> {
  const file = process.env.TRELLIS_REPL_HISTORY || join(homedir(), '.trellis_repl_history');
  let history: string[] = [];
  try { history = readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_LINES); } catch { /* no history yet */ }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true, history, historySize: HISTORY_LINES, removeHistoryDuplicates: true });
  console.log('Welcome to the JX explorer. Type \'help\' for help, \'quit\' to leave.');
  const prompt = () => {
    rl.setPrompt(session.continuing ? '...    ' : `in_${session.n} > `);
    rl.prompt();
  };
  let busy = Promise.resolve();
  let quitting = false;
  const done = new Promise<void>((resolve) => rl.on('close', () => { void busy.then(resolve); }));
  rl.on('line', (line) => {
    busy = busy.then(async () => {
      if (quitting) return;
      const r = await session.feed(line);
      if (r.kind === 'quit') { quitting = true; rl.close(); return; }
      if (r.kind === 'value') console.log(`out_${r.n}: ${jxToString(r.value, 2)}`);
      else if (r.kind === 'text') console.log(r.text);
      else if (r.kind === 'error') console.log(`error: ${r.text}`);
      prompt();
    });
  });
  prompt();
  await done;
  try {
    const lines = (rl as unknown as { history: string[] }).history.slice(0, HISTORY_LINES).reverse();
    writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  } catch { /* a read-only home keeps no history */ }
}
