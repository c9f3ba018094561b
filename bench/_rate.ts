// Calls per second of `calls` concurrent runs, timed from the first start to the last settle.
export async function rate(calls: number, run: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const all: Promise<unknown>[] = new Array(calls);
  for (let i = 0; i < calls; i++) all[i] = run();
  await Promise.all(all);
  return calls / (Number(process.hrtime.bigint() - t0) / 1e9);
}
