/**
 * Builds the queue a backend pool's `queue` policy names. `weights` feed WFQ, `priorities` feed
 * strict priority (the engine takes them from the policy's queue weights or its tiers).
 */
import type { QueueSpec } from '../policy/schema.js';
import type { InstrumentedQueue } from './deadline-queue.js';
import { FifoQueue } from './fifo-queue.js';
import { PriorityQueue } from './priority-queue.js';
import { WeightedFairQueue } from './weighted-fair-queue.js';

export interface QueueOptions {
  discipline: QueueSpec['discipline'];
  /** Most items waiting at once (unbounded when absent). */
  maxDepth?: number;
  /** WFQ weight per class (1 when absent). */
  weights?: Readonly<Record<string, number>>;
  /** Strict-priority class -> priority, higher served first (0 when absent). */
  priorities?: Readonly<Record<string, number>>;
}

export function createRequestQueue<T>(options: QueueOptions): InstrumentedQueue<T> {
  const depth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  switch (options.discipline) {
    case 'fifo':
      return new FifoQueue<T>(depth);
    case 'priority':
      return new PriorityQueue<T>(options.priorities ?? {}, depth);
    case 'wfq':
      return new WeightedFairQueue<T>(options.weights ?? {}, depth);
    default: {
      const never: never = options.discipline;
      throw new RangeError(`unknown queue discipline ${String(never)}`);
    }
  }
}
