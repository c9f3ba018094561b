// Running one command task as the command host does: output captured through files the command writes
// itself (read back whole, cut past 64 MB, nothing left on disk), the output counted as disk against an
// allocation, and a stop that kills a running command at once.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../runtime/command-runner.js';
import { ContentCache } from '../../runtime/content-cache.js';
import { CallAbort } from '../../runtime/call-abort.js';
import { MAX_CAPTURE_BYTES } from '../../runtime/output-capture.js';
import type { CommandTaskSpec } from '../../lib/protocol/messages.js';

let nextId = 1;
function spec(command: string, over: Partial<CommandTaskSpec> = {}): CommandTaskSpec {
  return { type: 'task', kind: 'command', id: nextId++, command, env: {}, inputs: [], outputs: [],
    resources: { cores: 1, memory: 0, disk: 0, gpus: 0 }, wallTime: null, ...over };
}

const running = (args: string): boolean =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.trim() === args);

describe('a command task run by the command host', function () {
  this.timeout(30_000);
  let root: string;
  let files: ContentCache;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'trellis-cmd-'));
    files = new ContentCache(join(root, 'files'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('returns stdout, stderr and the exit code, and leaves no capture file behind', async () => {
    const r = await runCommand(spec('echo out; echo err >&2; printf "é\\n"; exit 3'), root, files, null, new CallAbort());
    assert.equal(r.outcome, 'success');
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, 'out\né\n');
    assert.equal(r.stderr, 'err\n');
    const left = readdirSync(root).filter((f) => f !== 'files');
    assert.ok(left.every((d) => readdirSync(join(root, d)).length === 0), `only empty sandboxes kept for reuse, found ${left}`);
  });

  it('gives each command its own output, also with many at once', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => runCommand(spec(`echo ${i}`), root, files, null, new CallAbort())));
    assert.deepEqual(rs.map((r) => r.stdout), Array.from({ length: 20 }, (_, i) => `${i}\n`));
  });

  it('keeps the first 64 MB of a larger output and says where it was cut', async () => {
    const size = MAX_CAPTURE_BYTES + 1000;
    const r = await runCommand(spec(`head -c ${size} /dev/zero | tr '\\0' a`), root, files, null, new CallAbort());
    assert.equal(r.outcome, 'success');
    assert.ok(r.stdout!.startsWith('aaaa'));
    assert.match(r.stdout!.slice(-100), new RegExp(`output cut at ${MAX_CAPTURE_BYTES} of ${size} bytes`));
    assert.ok(r.measured!.disk! >= size / 2 ** 20, 'what it wrote counts as disk it used');
  });

  it('counts what a command prints against its disk allocation', async () => {
    const r = await runCommand(spec('head -c 30000000 /dev/zero; sleep 5', { resources: { cores: 1, memory: 0, disk: 10, gpus: 0 } }),
      root, files, null, new CallAbort());
    assert.equal(r.outcome, 'resource-exhaustion');
    assert.equal(r.exhausted?.resource, 'disk');
    assert.equal(r.exhausted?.allocated, 10);
    assert.ok(r.exhausted!.measured > 10, `measured ${r.exhausted!.measured} MB`);
  });

  it('a stop kills the running command at once and reports it cancelled', async () => {
    const stop = new CallAbort();
    const t0 = Date.now();
    const run = runCommand(spec('sleep 29.3'), root, files, null, stop);
    for (let i = 0; i < 100 && !running('sleep 29.3'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(running('sleep 29.3'), 'the command started');
    stop.abort({ outcome: 'cancelled', message: 'test' });
    const r = await run;
    assert.equal(r.outcome, 'cancelled');
    assert.ok(Date.now() - t0 < 10_000);
    assert.ok(!running('sleep 29.3'), 'the process is gone');
  });

  it('a stop before the command starts means it never runs', async () => {
    const stop = new CallAbort();
    stop.abort({ outcome: 'cancelled', message: 'test' });
    const r = await runCommand(spec('touch ran'), root, files, null, stop);
    assert.equal(r.outcome, 'cancelled');
    assert.ok(!readdirSync(root).some((d) => d !== 'files' && readdirSync(join(root, d)).includes('ran')));
  });
});
