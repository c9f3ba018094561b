// Asks a running manager for its status over the protocol, as `trellis status` and the factory do.
import { Connection } from '../protocol/connection.js';
import { dial, clientUsesTls, type ClientTls } from '../protocol/dial.js';
import type { ManagerStatus } from './manager.js';

export interface StatusQuery {
  host: string;
  port: number;
  password?: string | null;
  /** TLS settings (as for workers); TLS is used whenever a password is set, unless insecurePlaintext. */
  tls?: ClientTls;
  insecurePlaintext?: boolean;
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
  const tls = clientUsesTls(q.password, q.tls, q.insecurePlaintext) ? q.tls ?? {} : null;
  return new Promise((resolve, reject) => {
    let settled = false;
    let conn: Connection | null = null;
    const done = (err: Error | null, status?: StatusAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn?.close('status received', false);
      if (err) reject(err); else resolve(status!);
    };
    const timer = setTimeout(() => done(new Error(`the manager at ${where} did not answer within ${seconds} s`)), seconds * 1000);
    dial({ host: q.host, port: q.port, tls }).then((socket) => {
      if (settled) return void socket.destroy();
      conn = new Connection(socket, { role: 'status', password: q.password ?? null, label: `manager ${where}`, log: () => {} });
      conn.onReady = () => conn!.send({ type: 'status-request', tasks: q.tasks === true,
        ...(q.where !== undefined ? { where: q.where } : {}), ...(q.select !== undefined ? { select: q.select } : {}) });
      conn.onMessage = (msg) => {
        if (msg.type === 'status-reply') done(null, { status: msg.status as ManagerStatus, query: msg.query });
      };
      conn.onClose = (reason, code) => done(Object.assign(new Error(`the manager at ${where} closed the link: ${reason}`), { fatalCode: code }));
    }, (err: Error) => done(new Error(`cannot reach the manager at ${where}: ${err.message}`)));
  });
}
