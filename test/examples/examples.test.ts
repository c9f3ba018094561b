// The examples in examples/ run as a user runs them, each in its own process, and say what they should.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/paths.js';

function runExample(name: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/examples', `${name}.js`)],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `examples/${name}.ts exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('examples', function () {
  this.timeout(150_000);

  it('map-inputs: results in input order, and the embedded pool prints no log lines', () => {
    const { stdout, stderr } = runExample('map-inputs', { DEBUG: '' });
    assert.match(stdout, /primes below 10: 4\n(.*\n){3}primes below 100000: 9592/);
    assert.equal(stderr, '');
  });

  it('map-inputs: DEBUG=trellis turns the embedded pool\'s log lines on', () => {
    const { stderr } = runExample('map-inputs', { DEBUG: 'trellis' });
    assert.match(stderr, /trellis manager: worker .* connected/);
  });

  it('command-files: each command reads its input and its output comes back', () => {
    const { stdout } = runExample('command-files');
    for (const w of ['ALPHA', 'BETA', 'GAMMA']) assert.match(stdout, new RegExp(`${w.toLowerCase()}.upper.txt: ${w}\\n`));
    assert.equal(stdout.match(/: success, exit 0, 3 lines/g)?.length, 3);
  });

  it('remote-workers: calls run in two worker processes, the dashboard is up, close() returns', () => {
    const { stdout } = runExample('remote-workers');
    assert.match(stdout, /dashboard at http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(stdout, /squares: 1, 4, 9, 16, 25, 36 \(computed in 2 worker processes\)/);
    assert.match(stdout, /workers connected: 2; tasks done: 6/);
    assert.match(stdout, /\nclosed\n$/);
  });

  it('demo (npm start): every line of its report', () => {
    const { stdout } = runExample('demo');
    assert.match(stdout, /fib\(25\.\.28\) += 75025, 121393, 196418, 317811/);
    assert.match(stdout, /explode\("cheese"\) +threw RangeError E_DEMO: no cheese here/);
    assert.match(stdout, /command +success .*exit 0/);
  });
});
