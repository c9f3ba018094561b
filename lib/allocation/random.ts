// A small seeded generator (Marsaglia's xorshift32) so bucketing's random draws, and thus replays
// and tests, are reproducible.

export function seededRandom(seed: number): () => number {
  let x = (Math.floor(seed) >>> 0) || 0x9e3779b9;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}
