// Which cached environments go when a cache is over its cap: least recently used first, skipping those
// kept (in use here) and those used by any process more recently than minIdleMs, until the rest fits.
export interface CacheEntry {
  hash: string;
  bytes: number;
  /** When it was last used (ms since the epoch). */
  usedMs: number;
}

export function lruVictims<E extends CacheEntry>(entries: E[], capacityBytes: number, minIdleMs: number,
  kept: (hash: string) => boolean): E[] {
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  const now = Date.now();
  const victims: E[] = [];
  for (const e of [...entries].sort((a, b) => a.usedMs - b.usedMs)) {
    if (total <= capacityBytes) break;
    if (kept(e.hash) || now - e.usedMs < minIdleMs) continue;
    victims.push(e);
    total -= e.bytes;
  }
  return victims;
}
