// Lightweight simulated workers for the scale benchmark: N real protocol connections from one process, each
// announcing the given cores and answering every function task at once with a null result.
// Usage: node _sim-workers.js HOST PORT N CORES [PASSWORD]
import { connect } from 'node:net';
import { serialize } from 'node:v8';
import { Connection } from '../protocol/connection.js';

const [host, portText, countText, coresText, password] = process.argv.slice(2);
const NULL = serialize(null);

for (let i = 0; i < Number(countText); i++) {
  const socket = connect({ host, port: Number(portText) });
  socket.on('connect', () => {
    const conn = new Connection(socket, { role: 'worker', password: password ?? null, label: 'manager', log: () => {} });
    conn.onReady = () => conn.send({ type: 'announce', name: `sim-${i}`, host: 'sim', pid: process.pid,
      resources: { cores: Number(coresText), memory: 1024, disk: 1024, gpus: 0 }, wallTimeLeft: null });
    conn.onMessage = (m) => {
      if (m.type !== 'task') return;
      const now = Date.now() / 1000;
      conn.send({ type: 'result', id: m.id, outcome: 'success', value: NULL, started: now, finished: now });
    };
    conn.onClose = () => socket.destroy();
  });
  socket.on('error', () => {});
}
