// How links are secured, from the options: TLS by default with a password, plain TCP only by name, no password
// only on loopback unless asked for, the site's own certificates, and clear messages when the two sides disagree.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { Manager, remote, queryStatus } from '../../lib/index.js';
import { Worker } from '../../runtime/worker.js';
import { startWorker, stopAllWorkers, until } from '../helpers/worker-process.js';

function plusOne(n: number): number {
  return n + 1;
}

describe('link security options', function () {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-linkopts-'));
  const managers: Manager[] = [];
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.close();
    await stopAllWorkers();
  });
  const make = (o: ConstructorParameters<typeof Manager>[0], logs?: string[]) => {
    const m = new Manager({ host: '127.0.0.1', port: 0, log: logs ? (l) => logs.push(l) : false, ...o });
    managers.push(m);
    return m;
  };

  it('refuses a manager without a password on a non-loopback address unless insecureNoPassword, which warns', () => {
    assert.throws(() => new Manager({ port: 0, log: false }),
      /listening on 0\.0\.0\.0:0 without a password lets anyone who can reach that port run code .* insecureNoPassword: true/);
    const logs: string[] = [];
    make({ host: '0.0.0.0', insecureNoPassword: true }, logs);
    assert.ok(logs.some((l) => /WARNING: listening on 0\.0\.0\.0:0 without a password/.test(l)), logs.join('\n'));
  });

  it('rejects contradicting or malformed TLS options, saying what was expected', () => {
    assert.throws(() => new Manager({ host: '127.0.0.1', password: 'p', tls: { cert: 'x' } }), /expects both "cert" and "key" \(or neither\), got only "cert"/);
    assert.throws(() => new Manager({ host: '127.0.0.1', password: 'p', tls: { cert: 'not pem', key: 'not pem' } }), /option "tls" expects PEM text/);
    assert.throws(() => new Manager({ host: '127.0.0.1', password: 'p', tls: {}, insecurePlaintext: true }), /contradict each other/);
    assert.throws(() => new Manager({ host: '127.0.0.1', password: 'p', insecurePlaintext: 'yes' as never }), /"insecurePlaintext" expects true or false, got "yes"/);
  });

  it("uses the site's certificate, and a worker given its CA verifies it", async () => {
    const pair = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }] });
    const m = make({ password: 'site', tls: { cert: pair.cert, key: pair.private } });
    const port = await m.listen();
    writeFileSync(join(dir, 'ca.pem'), pair.cert);
    const w = new Worker({ host: 'localhost', port, password: 'site', cores: 1, log: false, tls: { ca: pair.cert }, cacheDir: join(dir, 'cache') });
    const running = w.run();
    assert.equal(await remote(plusOne, { manager: m })(1), 2);
    w.stop('done');
    await running;
    // A CA that did not sign the manager's certificate: the worker refuses to talk to it.
    const other = await generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
    await assert.rejects(queryStatus({ host: 'localhost', port, password: 'site', tls: { ca: other.cert }, timeout: 5 }), /TLS with localhost:\d+ failed/);
  });

  it('says so when one side speaks TLS and the other plain TCP', async () => {
    const logs: string[] = [];
    const tlsManager = make({ password: 'pw' }, logs);
    const port = await tlsManager.listen();
    await assert.rejects(queryStatus({ host: '127.0.0.1', port, password: 'pw', insecurePlaintext: true, timeout: 5 }), /during the handshake/);
    const plainLogs: string[] = [];
    const plainManager = make({ password: 'pw', insecurePlaintext: true }, plainLogs);
    const plainPort = await plainManager.listen();
    await assert.rejects(queryStatus({ host: '127.0.0.1', port: plainPort, password: 'pw', timeout: 5 }), /the manager answered in plain TCP/);
    await until(() => plainLogs.some((l) => /speaks TLS and this manager plain TCP/.test(l)), 10_000, 'the manager to say why');
    await until(() => logs.some((l) => /the peer speaks plain TCP/.test(l)), 10_000, 'the TLS manager to say why');
  });

  it('trellis worker refuses contradicting link options with a message naming them', async () => {
    writeFileSync(join(dir, 'pw'), 'x\n');
    const w = startWorker(['127.0.0.1:1', '--password-file', join(dir, 'pw'), '--insecure-plaintext', '--tls-ca', join(dir, 'pw')]);
    assert.notEqual(await w.exited, 0);
    assert.match(w.log(), /--insecure-plaintext and --tls-ca contradict each other/);
    const k = startWorker(['127.0.0.1:1', '--tls-cert', join(dir, 'pw')]);
    assert.notEqual(await k.exited, 0);
    assert.match(k.log(), /--tls-cert and --tls-key go together; got only --tls-cert/);
  });
});
