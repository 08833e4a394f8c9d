/**
 * Picks per second of each load balancer over a 16-instance pool with a quarter of it
 * ineligible (bench code may read the wall clock).
 */
import type { Balancer } from '../policy/schema.js';
import { SeededRng } from '../rng.js';
import { createLoadBalancer } from './balancer-factory.js';
import { InstanceStats } from './instance-stats.js';

export interface BenchResult {
  name: string;
  opsPerSec: number;
}

const NAMES: Balancer[] = [
  'round-robin',
  'weighted-round-robin',
  'least-connections',
  'least-response-time',
  'power-of-two',
];

function run(name: Balancer, picks: number, size: number): number {
  const rng = new SeededRng(42);
  const pool = Array.from({ length: size }, (_, i) => new InstanceStats(`i${i}`, 1 + (i % 3)));
  for (const s of pool) s.observe(50 + rng.next() * 100);
  const eligible = pool.map((_, i) => i % 4 !== 3);
  const isEligible = (i: number): boolean => eligible[i];
  const lb = createLoadBalancer(name);
  // A ring of the last 32 picks stands in for requests in flight: the oldest completes.
  const ring = new Int32Array(32).fill(-1);
  const start = performance.now();
  for (let k = 0; k < picks; k++) {
    const i = lb.pick(pool, isEligible, rng);
    pool[i].begin();
    const slot = k & 31;
    if (ring[slot] >= 0) pool[ring[slot]].end();
    ring[slot] = i;
  }
  return (picks / (performance.now() - start)) * 1000;
}

export function benchBalancers(picks = 500_000, size = 16): BenchResult[] {
  return NAMES.map((name) => {
    run(name, picks / 10, size); // warm-up
    return { name: `balancer ${name} pick (${size} instances)`, opsPerSec: run(name, picks, size) };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of benchBalancers())
    console.log(`${r.name}: ${Math.round(r.opsPerSec).toLocaleString('en')} ops/s`);
}
