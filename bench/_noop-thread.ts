// The no-op a raw piscina pool runs, as the baseline for the dispatch benchmark.
export default function noop(): null {
  return null;
}
