// Running one command task as the command host does: output captured through files the command writes
// itself (read back whole, cut past 64 MB, nothing left on disk), the output counted as disk against an
// allocation, a stop that kills a running command at once, every process a command starts killed when it
// ends (in both containment modes), disk allocations that hold, and lines that need a shell or cannot start.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../runtime/command-runner.js';
import { ContentCache } from '../../runtime/content-cache.js';
import { CallAbort } from '../../runtime/call-abort.js';
import { Containment } from '../../runtime/command-containment.js';
import { MAX_CAPTURE_BYTES } from '../../runtime/output-capture.js';
import type { CommandTaskSpec } from '../../protocol/messages.js';
import { leftovers, uniqueMarker } from '../helpers/leftovers.js';
import { until } from '../helpers/worker-process.js';

let nextId = 1;
function spec(command: string, over: Partial<CommandTaskSpec> = {}): CommandTaskSpec {
  return { type: 'task', kind: 'command', id: nextId++, command, env: {}, inputs: [], outputs: [],
    resources: { cores: 1, memory: 0, disk: 0, gpus: 0 }, wallTime: null, ...over };
}
const disk = (mb: number): CommandTaskSpec['resources'] => ({ cores: 1, memory: 0, disk: mb, gpus: 0 });

describe('a command task run by the command host', function () {
  this.timeout(30_000);
  let root: string;
  let files: ContentCache;
  let contain: Containment;
  const run = (s: CommandTaskSpec, stop = new CallAbort()) => runCommand(s, root, files, null, stop, contain);

  before(() => { contain = new Containment({ cgroup: false }); });
  after(() => contain.killAll());
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'trellis-cmd-'));
    files = new ContentCache(join(root, 'files'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('returns stdout, stderr and the exit code, and leaves no capture file behind', async () => {
    const r = await run(spec('echo out; echo err >&2; printf "é\\n"; exit 3'));
    assert.equal(r.outcome, 'success');
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, 'out\né\n');
    assert.equal(r.stderr, 'err\n');
    const left = readdirSync(root).filter((f) => f !== 'files');
    assert.ok(left.every((d) => readdirSync(join(root, d)).length === 0), `only empty sandboxes kept for reuse, found ${left}`);
  });

  it('gives each command its own output, also with many at once', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => run(spec(`echo ${i}`))));
    assert.deepEqual(rs.map((r) => r.stdout), Array.from({ length: 20 }, (_, i) => `${i}\n`));
  });

  it('keeps the first 64 MB of a larger output and says where it was cut', async () => {
    const size = MAX_CAPTURE_BYTES + 1000;
    const r = await run(spec(`head -c ${size} /dev/zero | tr '\\0' a`));
    assert.equal(r.outcome, 'success');
    assert.ok(r.stdout!.startsWith('aaaa'));
    assert.match(r.stdout!.slice(-100), new RegExp(`output cut at ${MAX_CAPTURE_BYTES} of ${size} bytes`));
    assert.ok(r.measured!.disk! >= size / 2 ** 20, 'what it wrote counts as disk it used');
  });

  it('counts what a command prints against its disk allocation, and prints no more than it', async () => {
    const r = await run(spec('head -c 30000000 /dev/zero; sleep 5', { resources: disk(10) }));
    assert.equal(r.outcome, 'resource-exhaustion');
    assert.equal(r.exhausted?.resource, 'disk');
    assert.equal(r.exhausted?.allocated, 10);
    assert.ok(r.exhausted!.measured > 10, `measured ${r.exhausted!.measured} MB`);
    assert.ok(r.measured!.disk! <= 11, `wrote ${r.measured!.disk} MB with 10 MB allocated`);
  });

  it('a command with disk: 200 writing a 400 MB file ends as disk exhaustion, never past 220 MB', async () => {
    const r = await run(spec('dd if=/dev/zero of=big bs=1M count=400 2>/dev/null; sleep 5', { resources: disk(200) }));
    assert.equal(r.outcome, 'resource-exhaustion', r.error?.message);
    assert.equal(r.exhausted?.resource, 'disk');
    // The sandbox only grew, so its size at the end is the most it ever held.
    assert.ok(r.measured!.disk! > 200 && r.measured!.disk! <= 220, `the sandbox held ${r.measured!.disk} MB`);
    assert.ok(r.exhausted!.measured <= 220, `measured ${r.exhausted!.measured} MB`);
  });

  // Many files are bounded by walks of the sandbox, paced by its growth: how far past the allocation they get
  // depends on how promptly the host runs, so only the outcome is checked here (figures in docs/commands.md).
  it('a command with disk: 200 writing eight 50 MB files ends as disk exhaustion', async () => {
    const r = await run(spec('for i in 1 2 3 4 5 6 7 8; do dd if=/dev/zero of=f$i bs=1M count=50 2>/dev/null; done; sleep 5',
      { resources: disk(200) }));
    assert.equal(r.outcome, 'resource-exhaustion', r.error?.message);
    assert.equal(r.exhausted?.resource, 'disk');
    assert.ok(r.measured!.disk! > 200, `the sandbox held ${r.measured!.disk} MB`);
  });

  it('a command line starting with an environment assignment goes through the shell', async () => {
    const r = await run(spec('FOO=bar printenv FOO'));
    assert.equal(r.outcome, 'success', r.error?.message);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, 'bar\n');
  });

  it('a program that does not exist fails, naming ENOENT', async () => {
    const r = await run(spec('/nonexistent/trellis-program --flag'));
    assert.equal(r.outcome, 'exception');
    assert.equal(r.exitCode, null);
    assert.equal(r.error?.code, 'ENOENT');
    assert.match(r.error!.message, /could not start.*ENOENT/s);
  });

  it('a program that may not be executed fails, naming EACCES', async () => {
    const file = join(root, 'not-executable');
    writeFileSync(file, '#!/bin/sh\necho ran\n');
    chmodSync(file, 0o644);
    const r = await run(spec(file));
    assert.equal(r.outcome, 'exception');
    assert.equal(r.error?.code, 'EACCES');
    assert.match(r.error!.message, /EACCES/);
  });

  it('a command killed by a signal reports 128 + its number, as a shell does', async () => {
    const r = await run(spec('kill -SEGV $$'));
    assert.equal(r.outcome, 'success');
    assert.equal(r.exitCode, 128 + 11);
    assert.match(r.error!.message, /SIGSEGV/);
  });

  it('a stop kills the running command at once and reports it cancelled', async () => {
    const stop = new CallAbort();
    const mark = uniqueMarker();
    const running = run(spec(`sleep 29.${mark}`), stop);
    await until(() => leftovers(mark, 'sleep').length === 1, 20_000, 'the command to start');
    stop.abort({ outcome: 'cancelled', message: 'test' });
    const r = await running;
    assert.equal(r.outcome, 'cancelled');
    await until(() => leftovers(mark).length === 0, 20_000, 'the process to be gone');
  });

  it('a stop before the command starts means it never runs', async () => {
    const stop = new CallAbort();
    stop.abort({ outcome: 'cancelled', message: 'test' });
    const r = await run(spec('touch ran'), stop);
    assert.equal(r.outcome, 'cancelled');
    assert.ok(!readdirSync(root).some((d) => d !== 'files' && readdirSync(join(root, d)).includes('ran')));
  });
});

/** What a command may leave running, and how it may end. `M` stands for a unique marker. */
const ESCAPES: [string, string][] = [
  ['a background job', 'sleep 7775.M & echo started'],
  ['a double fork into a session of its own', '(setsid sleep 7775.M &); echo started'],
  ['a child that ignores SIGTERM', `sh -c 'trap "" TERM; sleep 7775.M' & echo started`],
  ['a background job of a command that fails', 'sleep 7775.M & exit 3'],
];

for (const mode of ['cgroup', 'session'] as const) {
  describe(`every process a command starts dies when it ends (${mode} mode)`, function () {
    this.timeout(30_000);
    let root: string;
    let files: ContentCache;
    let contain: Containment;
    const run = (s: CommandTaskSpec, stop = new CallAbort()) => runCommand(s, root, files, null, stop, contain);
    /** Cgroup mode knows every process a command started: they are dead when its result comes. Session mode
     * finds one that left its session in its next scan of /proc. */
    const noneLeft = async (mark: string): Promise<void> => {
      if (mode === 'cgroup') assert.deepEqual(leftovers(mark), [], 'no process left once the result is back');
      else await until(() => leftovers(mark).length === 0, 20_000, 'no process left');
    };

    before(function () {
      contain = new Containment({ cgroup: mode === 'cgroup' });
      if (contain.mode !== mode) {
        contain.killAll();
        this.skip(); // no cgroup v2 this process may write to
      }
      root = mkdtempSync(join(tmpdir(), 'trellis-cmd-'));
      files = new ContentCache(join(root, 'files'));
    });
    after(() => {
      contain?.killAll();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    for (const [what, line] of ESCAPES) {
      it(`${what}: ${line}`, async () => {
        const mark = uniqueMarker();
        const r = await run(spec(line.replace('M', mark)));
        assert.equal(r.outcome, 'success', r.error?.message);
        await noneLeft(mark);
      });
    }

    it('a command stopped at its wall time, with a background job', async () => {
      const mark = uniqueMarker();
      const r = await run(spec(`sleep 7775.${mark} & sleep 7776.${mark}`, { wallTime: 0.5 }));
      assert.equal(r.outcome, 'max-wall-time');
      await noneLeft(mark);
    });

    it('a command killed over its memory allocation, with a background job', async () => {
      const mark = uniqueMarker();
      const r = await run(spec(`sleep 7775.${mark} & python3 -c "b = b'x' * (300 * 1024 * 1024); import time; time.sleep(30)"`,
        { resources: { cores: 1, memory: 100, disk: 0, gpus: 0 } }));
      assert.equal(r.outcome, 'resource-exhaustion');
      assert.equal(r.exhausted?.resource, 'memory');
      await noneLeft(mark);
    });

    it('a command killed over its disk allocation, with a double-forked child', async () => {
      const mark = uniqueMarker();
      const r = await run(spec(`(setsid sleep 7775.${mark} &); head -c 30000000 /dev/zero > big; sleep 30`, { resources: disk(10) }));
      assert.equal(r.outcome, 'resource-exhaustion');
      assert.equal(r.exhausted?.resource, 'disk');
      await noneLeft(mark);
    });

    it('a command cancelled while its double-forked child runs', async () => {
      const mark = uniqueMarker();
      const stop = new CallAbort();
      const running = run(spec(`(setsid sleep 7775.${mark} &); sleep 7776.${mark}`), stop);
      await until(() => leftovers(mark, 'sleep').length === 2, 20_000, 'both processes to start');
      stop.abort({ outcome: 'cancelled', message: 'test' });
      assert.equal((await running).outcome, 'cancelled');
      await noneLeft(mark);
    });

    it('a background job of one command lives while that command runs, though others end', async () => {
      const mark = uniqueMarker();
      const stop = new CallAbort();
      const long = run(spec(`(setsid sleep 7775.${mark} &); sleep 7776.${mark}`), stop);
      await until(() => leftovers(mark, 'sleep').length === 2, 20_000, 'both processes to start');
      for (let i = 0; i < 3; i++) assert.equal((await run(spec('sleep 0.01 & echo x'))).outcome, 'success');
      assert.equal(leftovers(mark, 'sleep').length, 2, 'the running command kept what it started');
      stop.abort({ outcome: 'cancelled', message: 'test' });
      await long;
      await noneLeft(mark);
    });

    it('the host going kills every command and what they started', async () => {
      const mark = uniqueMarker();
      const pending = [run(spec(`(setsid sleep 7775.${mark} &); sleep 7776.${mark}`)), run(spec(`sleep 7777.${mark} & sleep 7778.${mark}`))];
      await until(() => leftovers(mark, 'sleep').length === 4, 20_000, 'all four processes to start');
      contain.killAll();
      await Promise.all(pending);
      await until(() => leftovers(mark).length === 0, 20_000, 'no process left');
      contain = new Containment({ cgroup: mode === 'cgroup' });
    });
  });
}
