/**
 * Throughput of the queue disciplines (bench code may read the wall clock). Each case keeps a
 * queue at a steady depth and counts one enqueue plus one dequeue as one operation.
 */
import type { InstrumentedQueue } from './deadline-queue.js';
import { createRequestQueue } from './queue-factory.js';

export interface BenchResult {
  name: string;
  opsPerSec: number;
}

const CLASSES = ['gold', 'silver', 'bronze', 'free'];

function steadyState(q: InstrumentedQueue<number>, depth: number, ops: number, expiring: boolean): number {
  const drop = (): void => {};
  let now = 0;
  for (let i = 0; i < depth; i++)
    q.enqueue(i, CLASSES[i & 3], expiring ? now + 1000 + (i % 97) : 1e15, 1 + (i % 5));
  const start = performance.now();
  for (let i = 0; i < ops; i++) {
    now += expiring ? 1 : 0;
    q.enqueue(i, CLASSES[i & 3], expiring ? now + 1000 + (i % 97) : 1e15, 1 + (i % 5));
    q.dequeue(now, drop);
  }
  const ms = performance.now() - start;
  return (ops / ms) * 1000;
}

export function benchQueues(ops = 200_000, depth = 1000): BenchResult[] {
  const out: BenchResult[] = [];
  const specs = [
    { discipline: 'fifo' as const },
    { discipline: 'priority' as const, priorities: { gold: 3, silver: 2, bronze: 1 } },
    { discipline: 'wfq' as const, weights: { gold: 8, silver: 4, bronze: 2, free: 1 } },
  ];
  for (const spec of specs) {
    // Warm up the JIT on a throwaway queue first.
    steadyState(createRequestQueue<number>(spec), depth, ops / 10, false);
    out.push({
      name: `queue ${spec.discipline} enqueue+dequeue depth ${depth}`,
      opsPerSec: steadyState(createRequestQueue<number>(spec), depth, ops, false),
    });
    out.push({
      name: `queue ${spec.discipline} enqueue+dequeue depth ${depth} with deadlines expiring`,
      opsPerSec: steadyState(createRequestQueue<number>(spec), depth, ops, true),
    });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of benchQueues())
    console.log(`${r.name}: ${Math.round(r.opsPerSec).toLocaleString('en')} ops/s`);
}
