// What a catalog accepts as a manager's update: a JSON object with a project, host and port and protocol
// version, every other field a JSON value. Says what was expected and what was given.
import type { CatalogRecord } from './record.js';

export function checkRecord(body: string): CatalogRecord | string {
  let data: unknown;
  try { data = JSON.parse(body); } catch (err) { return `expected a JSON object, got text that is not JSON (${(err as Error).message})`; }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return `expected a JSON object, got ${Array.isArray(data) ? 'a list' : typeof data}`;
  const r = data as Record<string, unknown>;
  const text = (k: string, max: number) => typeof r[k] === 'string' && (r[k] as string).length > 0 && (r[k] as string).length <= max;
  if (!text('project', 256)) return `expected "project" to be a string of 1 to 256 characters, got ${show(r.project)}`;
  if (!text('host', 256)) return `expected "host" to be a string of 1 to 256 characters, got ${show(r.host)}`;
  if (!Number.isInteger(r.port) || (r.port as number) < 1 || (r.port as number) > 65535) return `expected "port" to be an integer from 1 to 65535, got ${show(r.port)}`;
  if (!Number.isInteger(r.protocol)) return `expected "protocol" to be an integer (the protocol version), got ${show(r.protocol)}`;
  if (r.address !== undefined && !text('address', 256)) return `expected "address" to be a string of 1 to 256 characters when given, got ${show(r.address)}`;
  // The catalog's own field is not the sender's to set.
  delete r.lastheardfrom;
  return Object.assign(Object.create(null) as object, r) as CatalogRecord;
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 60) ?? String(v);
}
