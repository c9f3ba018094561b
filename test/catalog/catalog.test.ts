// The catalog with real processes: managers advertising named projects, a worker started with only
// --manager-name finding them (and moving on when one finishes), catalog-query and the repl asking questions,
// an expired manager disappearing, forged, replayed and oversized updates refused, a restart keeping records.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queryCatalog } from '../../lib/catalog/catalog-client.js';
import { signUpdate } from '../../lib/catalog/update-signature.js';
import { runWithInput, startServer, waitFor, type Server } from '../cli/cli-process.js';

const MANAGER = fileURLToPath(new URL('./manager-process.js', import.meta.url));

interface ManagerProcess { child: ChildProcess; output(): string; port: Promise<number> }

function post(port: number, body: string, headers: Record<string, string> = {}): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/update', method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('trellis catalog', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-catalog-'));
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, 'catalog-secret\n');
  const snapshot = join(dir, 'snapshot.json');
  const started: ChildProcess[] = [];
  let catalog: Server;
  let port = 0;
  let env: NodeJS.ProcessEnv;

  const startCatalog = async (args: string[]): Promise<{ server: Server; port: number }> => {
    const server = startServer(['catalog', '--host', '127.0.0.1', ...args]);
    started.push(server.child);
    const m = await waitFor('the catalog listening', () => /listening on 127\.0\.0\.1:(\d+)/.exec(server.output()));
    return { server, port: Number(m[1]) };
  };

  const startManager = (project: string, tasks: number, environment: NodeJS.ProcessEnv): ManagerProcess => {
    const child = spawn(process.execPath, [MANAGER, project, String(tasks)], { stdio: ['ignore', 'pipe', 'pipe'], env: environment });
    started.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const portP = waitFor(`manager ${project} listening`, () => /port (\d+)/.exec(out)).then((m) => Number(m[1]));
    outputs.push(() => `${project}: ${out}`);
    return { child, output: () => out, port: portP };
  };

  const live = async (at = port) => (await queryCatalog({ host: '127.0.0.1', port: at })).map((r) => r.project).sort();

  before(async function () {
    ({ server: catalog, port } = await startCatalog(['--port', '0', '--password-file', pwFile, '--snapshot', snapshot, '--lifetime', '60']));
    env = { ...process.env, TRELLIS_CATALOG: `127.0.0.1:${port}`, TRELLIS_CATALOG_PASSWORD: 'catalog-secret' };
  });

  const outputs: (() => string)[] = [];
  afterEach(function () {
    if (this.currentTest?.state === 'failed') for (const o of outputs) console.error(`---\n${o()}`);
  });

  after(function () {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
  });

  it('finds managers by name: a worker serves the matching ones in turn and leaves the others', async function () {
    const alpha = startManager('cms-alpha', 3, env);
    const beta = startManager('cms-beta', 2, env);
    const atlas = startManager('atlas', 2, env);
    await Promise.all([alpha.port, beta.port, atlas.port]);
    await waitFor('three managers in the catalog', async () => (await live()).length === 3);
    assert.deepEqual(await live(), ['atlas', 'cms-alpha', 'cms-beta']);

    // The catalog evaluates --where: only the matching records come back.
    // A manager reports once it listens and again when its tasks are queued: wait for the second report.
    type Rec = { project: string; tasks_waiting: number; protocol: number; owner: string; categories: string[] };
    let records: Rec[] = [];
    await waitFor('cms-alpha reports its 3 waiting tasks', async () => {
      const q = await runWithInput(['catalog-query', '--catalog', `127.0.0.1:${port}`, '--where', 'project.like("cms.*") and tasks_waiting > 2', '--json'], '', env);
      assert.equal(q.code, 0, q.stderr);
      records = JSON.parse(q.stdout) as Rec[];
      return records.length > 0;
    });
    assert.deepEqual(records.map((r) => [r.project, r.tasks_waiting]), [['cms-alpha', 3]]);
    assert.equal(typeof records[0]!.owner, 'string');
    assert.deepEqual(records[0]!.categories, ['default']);

    // The repl answers a catalog question and a status question.
    const r = await runWithInput(['repl'], `catalog\nout_0.select(project.like("^cms")).project(project).len()\nstatus 127.0.0.1:${await atlas.port}\nout_2.tasks.waiting\n`, env);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[1], '2');
    assert.equal(lines[3], '2');

    const worker = startServer(['worker', '--manager-name', '^cms', '--cores', '1', '--idle-timeout', '1'], env);
    started.push(worker.child);
    outputs.push(() => `worker: ${worker.output()}`);
    const code = await worker.exited;
    assert.equal(code, 0, worker.output());
    // Both cms managers ran all their tasks and finished.
    await waitFor('alpha finished', () => /finished/.test(alpha.output()));
    await waitFor('beta finished', () => /finished/.test(beta.output()));
    // The one with the most waiting tasks first.
    assert.ok(worker.output().indexOf('"cms-alpha"') < worker.output().indexOf('"cms-beta"'), worker.output());
    assert.match(worker.output(), /exiting: no manager of project "\^cms" for 1 s/);
    assert.doesNotMatch(atlas.output(), /done/);
    // Finished managers said they were gone; atlas is still there, still waiting.
    await waitFor('only atlas left', async () => (await live()).join() === 'atlas');
    const [left] = await queryCatalog({ host: '127.0.0.1', port, where: 'project == "atlas"' });
    assert.equal(left!.tasks_waiting, 2);
  });

  it('the factory follows a project by name: its workers find the manager through the catalog', async function () {
    const fac = startManager('factory-proj', 2, env);
    await fac.port;
    await waitFor('factory-proj listed', async () => (await live()).includes('factory-proj'));
    const factory = startServer(['factory', '--batch', 'local', '--manager-name', '^factory-', '--interval', '0.5', '--timeout', '5',
      '--max-workers', '1', '--cores', '1', '--memory', '500', '--scratch-dir', join(dir, 'factory')], env);
    started.push(factory.child);
    outputs.push(() => `factory: ${factory.output()}`);
    await waitFor('factory-proj finished', () => /finished/.test(fac.output()));
    assert.match(factory.output(), /for project "\^factory-"/);
    assert.match(factory.output(), /submitted 1/);
    process.kill(factory.child.pid!, 'SIGTERM');
    assert.equal(await factory.exited, 0);
    assert.match(factory.output(), /cancelled \d+ job\(s\)/);
  });

  it('forgets a manager that stops reporting', async function () {
    const short = await startCatalog(['--port', '0', '--lifetime', '1']);
    const doomed = startManager('doomed', 1, { ...process.env, TRELLIS_CATALOG: `127.0.0.1:${short.port}` });
    await waitFor('doomed listed', async () => (await live(short.port)).includes('doomed'));
    process.kill(doomed.child.pid!, 'SIGKILL');
    await waitFor('doomed expired', async () => (await live(short.port)).length === 0);
    process.kill(short.server.child.pid!, 'SIGTERM');
    await short.server.exited;
  });

  it('refuses forged, replayed, malformed and oversized updates and keeps running', async function () {
    const fake = JSON.stringify({ type: 'trellis-manager', project: 'cms-fake', host: 'evil', port: 4444, protocol: 1, tasks_waiting: 99 });
    const unsigned = await post(port, fake);
    assert.equal(unsigned.code, 403);
    assert.match(unsigned.text, /expected an update signed with it/);
    const wrong = await post(port, fake, signUpdate('not-the-password', fake));
    assert.equal(wrong.code, 403);
    assert.match(wrong.text, /the signature does not match/);
    const stale = await post(port, fake, signUpdate('catalog-secret', fake, Date.now() / 1000 - 3600));
    assert.match(stale.text, /signed 3600 s in the past/);
    const tampered = signUpdate('catalog-secret', fake);
    assert.match((await post(port, fake.replace('99', '98'), tampered)).text, /the signature does not match/);

    const genuine = JSON.stringify({ type: 'trellis-manager', project: 'signed', host: 'h', address: '127.0.0.9', port: 4445, protocol: 1 });
    const headers = signUpdate('catalog-secret', genuine);
    assert.equal((await post(port, genuine, headers)).code, 200);
    const replay = await post(port, genuine, headers);
    assert.equal(replay.code, 403);
    assert.match(replay.text, /already received \(a replayed nonce\)/);

    const bad = JSON.stringify({ project: 'x', host: 'h', port: 'nine' });
    const malformed = await post(port, bad, signUpdate('catalog-secret', bad));
    assert.equal(malformed.code, 400);
    assert.match(malformed.text, /expected "port" to be an integer from 1 to 65535, got "nine"/);
    const huge = JSON.stringify({ project: 'x', host: 'h', port: 1, protocol: 1, pad: 'x'.repeat(100_000) });
    const big = await post(port, huge, signUpdate('catalog-secret', huge)).catch((err: Error) => ({ code: 413, text: err.message }));
    assert.equal(big.code, 413);

    const projects = await live();
    assert.ok(!projects.includes('cms-fake') && !projects.includes('x'), projects.join());
    assert.ok(projects.includes('signed'));
    const q = await runWithInput(['catalog-query', '--catalog', `127.0.0.1:${port}`, '--where', 'tasks_waiting >'], '', env);
    assert.notEqual(q.code, 0);
    assert.match(q.stderr, /--where expects a JX expression: 1:16: expected a value, got the end of the input/);
  });

  it('keeps what it knew across a restart (snapshot)', async function () {
    process.kill(catalog.child.pid!, 'SIGTERM');
    assert.equal(await catalog.exited, 0);
    ({ server: catalog } = await startCatalog(['--port', String(port), '--password-file', pwFile, '--snapshot', snapshot, '--lifetime', '60']));
    // Said on stderr, which may be read after stdout's "listening".
    await waitFor('the snapshot restored', () => /live record\(s\) restored from/.test(catalog.output()));
    assert.ok((await live()).includes('signed'));
  });
});
