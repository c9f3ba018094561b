// `trellis worker` pointed at a manager that is not there: it says so at once, keeps one status line while it
// retries, and exits naming the address and the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/paths.js';
import { freePort } from '../helpers/free-port.js';

describe('trellis worker without a manager', function () {
  this.timeout(60_000);

  it('says at once that it cannot reach the manager, then exits naming the address and the reason', async () => {
    const port = await freePort();
    const r = spawnSync(process.execPath, [CLI, 'worker', `127.0.0.1:${port}`, '--connect-timeout', '2'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines[0], `trellis worker: cannot reach the manager at 127.0.0.1:${port}: connection refused; trying again for 2 s`);
    assert.match(lines.at(-1)!, new RegExp(`could not reach the manager at 127\\.0\\.0\\.1:${port} within 2 s: connect ECONNREFUSED`));
    assert.ok(lines.length <= 4, `a few lines, not one per attempt:\n${r.stderr}`);
  });

  it('--quiet prints only why it exits; --verbose a line per attempt', async () => {
    const port = await freePort();
    const q = spawnSync(process.execPath, [CLI, 'worker', `127.0.0.1:${port}`, '--connect-timeout', '1', '--quiet'], { encoding: 'utf8' });
    assert.equal(q.stderr.trim().split('\n').length, 1, q.stderr);
    const v = spawnSync(process.execPath, [CLI, 'worker', `127.0.0.1:${port}`, '--connect-timeout', '1', '--verbose'], { encoding: 'utf8' });
    assert.ok(v.stderr.match(/retrying 127\.0\.0\.1:\d+ \(connection refused\), \d+ s of 1/g)!.length >= 2, v.stderr);
  });

  it('on a terminal, keeps one status line up to date', async () => {
    const port = await freePort();
    const cmd = `${process.execPath} ${CLI} worker 127.0.0.1:${port} --connect-timeout 2`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
    assert.match(r.stdout, /\r\x1b\[2Ktrellis worker: retrying 127\.0\.0\.1:\d+ \(connection refused\), \d+ s of 2/);
    assert.equal(r.stdout.match(/\n/g)!.length <= 4, true, JSON.stringify(r.stdout));
  });
});
