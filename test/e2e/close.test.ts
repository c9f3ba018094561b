// manager.close() settles in every configuration: each runs as its own process, which must print "closed"
// after close() and exit 0 (an unsettled close() ends the process with code 13 before that line).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { until } from '../helpers/worker-process.js';

const APP = resolve(PROJECT_ROOT, 'dist/test/helpers/close-app.js');

function runApp(config: object): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [APP, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    // Only a guard against a hung test run; the assertion is on the exit code and the printed line.
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 50_000);
    child.on('exit', (code) => { clearTimeout(killer); done({ code, out }); });
  });
}

function processesRunning(pattern: string): number {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').filter(Boolean).length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

describe('manager.close() settles', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-close-'));
  let n = 0;

  for (const dispatch of ['inline', 'thread'] as const) {
    for (const workers of ['local', 'tcp'] as const) {
      it(`${dispatch} dispatch, ${workers === 'tcp' ? 'a TCP worker' : 'Manager.local()'}, after remote() calls`, async () => {
        const { code, out } = await runApp({ dispatch, workers });
        assert.equal(code, 0, out);
        assert.match(out, /squares 1,4,9\nclosed\n/);
      });

      it(`${dispatch} dispatch, ${workers === 'tcp' ? 'a TCP worker' : 'Manager.local()'}, with logs, dashboard, queued and running tasks`,
        async () => {
          const tx = join(dir, `tx-${++n}.log`);
          const sleeping = `${31415 + n}.5`;
          const { code, out } = await runApp({ dispatch, workers, transactionLog: tx, performanceLog: join(dir, `perf-${n}.log`),
            dashboard: true, queued: 20_000, sleeping });
          assert.equal(code, 0, out);
          assert.match(out, /closed\n/);
          assert.match(readFileSync(tx, 'utf8'), /"manager-end"/);
          // The worker was told to stop its tasks: the command it ran is gone.
          await until(() => processesRunning(`sleep ${sleeping}`) === 0, 20_000, `sleep ${sleeping} to end`);
        });
    }
  }

  it('with 200,000 queued tasks', async () => {
    const { code, out } = await runApp({ dispatch: 'thread', workers: 'tcp', queued: 200_000 });
    assert.equal(code, 0, out);
    assert.match(out, /closed\n/);
  });
});
