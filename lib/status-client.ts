// Asks a running manager for its status over the protocol, as `trellis status` and the factory do.
import { connect } from 'node:net';
import { Connection } from './protocol/connection.js';
import type { ManagerStatus } from './manager.js';

export interface StatusQuery {
  host: string;
  port: number;
  password?: string | null;
  /** Seconds to wait for the whole exchange. Default 10. */
  timeout?: number;
  /** Also ask for the running and the latest finished tasks (status.taskList). */
  tasks?: boolean;
  /** JX condition the manager applies to workers, categories and tasks (see lib/status-query.ts). */
  where?: string;
  /** JX expression the manager evaluates on its status; its value is in the reply's `query`. */
  select?: string;
}

export interface StatusAnswer { status: ManagerStatus; query?: { value?: unknown; error?: string } }

export async function queryStatus(q: StatusQuery): Promise<ManagerStatus> {
  return (await askStatus(q)).status;
}

/** The status and the manager's answer to `where`/`select`. */
export function askStatus(q: StatusQuery): Promise<StatusAnswer> {
  const seconds = q.timeout ?? 10;
  const where = `${q.host}:${q.port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: Error | null, status?: StatusAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn?.close('status received', false);
      socket.destroy();
      if (err) reject(err); else resolve(status!);
    };
    const timer = setTimeout(() => done(new Error(`the manager at ${where} did not answer within ${seconds} s`)), seconds * 1000);
    let conn: Connection | null = null;
    const socket = connect({ host: q.host, port: q.port });
    socket.once('error', (err) => done(new Error(`cannot reach the manager at ${where}: ${err.message}`)));
    socket.once('connect', () => {
      conn = new Connection(socket, { role: 'status', password: q.password ?? null, label: `manager ${where}`, log: () => {} });
      conn.onReady = () => conn!.send({ type: 'status-request', tasks: q.tasks === true,
        ...(q.where !== undefined ? { where: q.where } : {}), ...(q.select !== undefined ? { select: q.select } : {}) });
      conn.onMessage = (msg) => {
        if (msg.type === 'status-reply') done(null, { status: msg.status as ManagerStatus, query: msg.query });
      };
      conn.onClose = (reason) => done(new Error(`the manager at ${where} closed the link: ${reason}`));
    });
  });
}
