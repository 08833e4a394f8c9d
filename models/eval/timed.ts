/**
 * Seconds an async step took, on a clock the caller injects: the evaluation's entry point
 * (evaluate.ts) passes the wall clock; the evaluation code itself reads none.
 */
export type Clock = () => number;

export async function timed<T>(clock: Clock, f: () => Promise<T>): Promise<[T, number]> {
  const t0 = clock();
  const v = await f();
  return [v, (clock() - t0) / 1000];
}
