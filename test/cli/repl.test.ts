// `trellis repl` as a user drives it: through a pipe (scripts) and on a pseudo-terminal (people).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOnTerminal, runWithInput } from './cli-process.js';

describe('trellis repl', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-repl-'));
  const env = { ...process.env, TRELLIS_REPL_HISTORY: join(dir, 'history'), TRELLIS_CATALOG: '' };

  it('prints the value of each expression in a pipe', async function () {
    const r = await runWithInput(['repl'], '1+2\n', env);
    assert.equal(r.stdout, '3\n');
    assert.equal(r.code, 0);
  });

  it('keeps in_N and out_N, continues while a bracket is open, and stops at quit', async function () {
    const input = '[x*2 for x in\n  range(4)\n  if x > 0]\nout_0.len()\nin_1\n{"a": out_0[0]}\nquit\n99\n';
    const r = await runWithInput(['repl'], input, env);
    assert.equal(r.stdout, '[2, 4, 6]\n3\n"out_0.len()"\n{"a": 2}\n');
    assert.equal(r.stderr, '');
  });

  it('points at the column of an error and goes on with the next line', async function () {
    const r = await runWithInput(['repl'], '1 + nope\n"ok"\n[1, 2\n', env);
    assert.equal(r.stdout, '"ok"\n');
    assert.match(r.stderr, /1:5: undefined symbol nope\n {2}1 \+ nope\n {6}\^/);
    // An unclosed bracket at the end of the input is reported, not waited for.
    assert.match(r.stderr, /1:6: expected "," or "]" in the list, got the end of the input/);
    assert.equal(r.code, 1);
  });

  it('answers the reserved words', async function () {
    const r = await runWithInput(['repl'], 'help\nfunctions\noperators\nvalues\ncatalog\nstatus nowhere\n', env);
    assert.match(r.stdout, /Reserved words:/);
    assert.match(r.stdout, /select\(list, condition\)/);
    assert.match(r.stdout, /a\.f\(b\) +the dot: f\(a, b\)/);
    assert.match(r.stdout, /integer +0, 123/);
    assert.match(r.stderr, /no catalog address: start the repl with --catalog HOST:PORT or set TRELLIS_CATALOG/);
    assert.match(r.stderr, /expected status HOST:PORT \(e\.g\. status 127\.0\.0\.1:9123\), got "status nowhere"/);
  });

  it('works on a terminal: prompts, out_N, multi-line input, errors, and history kept for next time', async function () {
    const r = await runOnTerminal(['repl'], '1+2\n[x for x in\n range(3)]\nout_1.len()\nfoo\nquit\n', env);
    const text = r.stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
    assert.match(text, /Welcome to the JX explorer/);
    assert.match(text, /in_0 > /);
    assert.match(text, /out_0: 3\n/);
    assert.match(text, /\.\.\. {4}/);
    assert.match(text, /out_1: \[\n {2}0,\n {2}1,\n {2}2\n\]/);
    assert.match(text, /out_2: 3\n/);
    assert.match(text, /error: 1:1: undefined symbol foo\n {2}foo\n {2}\^/);
    assert.equal(r.code, 0);
    assert.deepEqual(readFileSync(env.TRELLIS_REPL_HISTORY, 'utf8').split('\n').filter(Boolean),
      ['1+2', '[x for x in', ' range(3)]', 'out_1.len()', 'foo', 'quit']);
  });
});
