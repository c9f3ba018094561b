// Finds live managers by project name through a catalog: those whose project matches the regular expression
// (RE2, unanchored, as JX's like) and that speak this side's protocol version, the most waiting tasks first.
import { RE2JS } from 're2js';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import { queryCatalog } from './catalog-client.js';
import type { CatalogRecord } from './record.js';

/** Throws an Error saying what is wrong with the pattern. */
export function checkProjectPattern(pattern: string): void {
  try { RE2JS.compile(pattern); } catch (err) {
    throw new Error(`expected a regular expression for the project name, got "${pattern}": ${(err as Error).message}`);
  }
}

export function managersWhere(pattern: string): string {
  return `type == "trellis-manager" and protocol == ${PROTOCOL_VERSION} and project.like(${JSON.stringify(pattern)})`;
}

export async function findManagers(catalog: { host: string; port: number }, pattern: string, timeout = 10): Promise<CatalogRecord[]> {
  const records = await queryCatalog({ ...catalog, where: managersWhere(pattern), timeout });
  return records.sort((a, b) => b.tasks_waiting - a.tasks_waiting || b.tasks_running - a.tasks_running);
}
