/**
 * Micro-benchmark of acquire() for every algorithm (the lead's `npm run bench` calls
 * benchLimiters). Benchmarks may read the wall clock; the limiters still get simulated times.
 *
 * Traffic: one unit every 0.5 simulated ms (2000/s) against 1000 units per second, so about half the
 * calls are admitted once the burst is spent, and the sliding log holds ~1000 live entries
 * (its worst steady state for this limit). A keyed case adds the map lookup over 1000 keys.
 */
import { KeyedLimiters } from './keyed-limiters.js';
import { createRateLimiter, LIMIT_ALGORITHMS } from './limiter-factory.js';
import type { RateLimiter } from './rate-limiter.js';

export interface LimiterBenchResult {
  name: string;
  opsPerSec: number;
}

/** Defeats dead-code elimination: the admitted count goes somewhere observable. */
let sink = 0;

function timeAcquires(limiter: RateLimiter, ops: number): number {
  let admitted = 0;
  // Warm-up so the JIT has compiled acquire() before timing.
  for (let i = 0; i < 50_000; i++) if (limiter.acquire(1, i * 0.5) >= 0) admitted++;
  const t0 = 50_000 * 0.5;
  const start = performance.now();
  for (let i = 0; i < ops; i++) if (limiter.acquire(1, t0 + i * 0.5) >= 0) admitted++;
  const seconds = (performance.now() - start) / 1000;
  sink += admitted;
  return ops / seconds;
}

function timeKeyed(keys: number, ops: number): number {
  const keyed = new KeyedLimiters('token-bucket', { limit: 1000, periodMs: 1000 });
  const names = Array.from({ length: keys }, (_, i) => `tenant-${i}\u0000gpt-4o`);
  let admitted = 0;
  for (let i = 0; i < 50_000; i++) if (keyed.acquire(names[i % keys], 1, i * 0.5) >= 0) admitted++;
  const t0 = 50_000 * 0.5;
  const start = performance.now();
  for (let i = 0; i < ops; i++) if (keyed.acquire(names[i % keys], 1, t0 + i * 0.5) >= 0) admitted++;
  const seconds = (performance.now() - start) / 1000;
  sink += admitted;
  return ops / seconds;
}

/** Best of `repeats` runs: on a shared machine the slowest runs measure the neighbours. */
function best(repeats: number, run: () => number): number {
  let top = 0;
  for (let i = 0; i < repeats; i++) top = Math.max(top, run());
  return Math.round(top);
}

/** acquire() throughput per algorithm, `ops` calls per run (2 million by default), best of `repeats`. */
export function benchLimiters(ops = 2_000_000, repeats = 3): LimiterBenchResult[] {
  const results: LimiterBenchResult[] = [];
  for (const algorithm of LIMIT_ALGORITHMS) {
    const opsPerSec = best(repeats, () =>
      timeAcquires(createRateLimiter(algorithm, { limit: 1000, periodMs: 1000 }), ops),
    );
    results.push({ name: `acquire ${algorithm}`, opsPerSec });
  }
  results.push({
    name: 'acquire keyed token-bucket (1000 keys)',
    opsPerSec: best(repeats, () => timeKeyed(1000, ops)),
  });
  if (sink < 0) throw new Error('unreachable');
  return results;
}
