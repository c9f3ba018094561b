// A map over inputs: one function applied to many inputs on the embedded pool, results in input order.
import { Manager } from '../lib/index.js';

/** Counts the primes below n: enough work per call to show the calls spread over the cores. */
function primesBelow(n: number): number {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) if (i % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return count;
}

const manager = Manager.local();
const limits = [10, 100, 1_000, 10_000, 100_000];
const counts = await manager.map(primesBelow, limits, { category: 'primes' });
for (const [i, n] of limits.entries()) console.log(`primes below ${n}: ${counts[i]}`);
await manager.close();
