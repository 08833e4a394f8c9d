/**
 * What every queue discipline shares: a depth bound, absolute per-item deadlines, counters.
 * Subclasses decide only the service order (`insert`, `take`, `discard`).
 *
 * Deadlines sit in an indexed min-heap, so `nextDeadline` is O(1) and `expire` is
 * O(k log n) for k expired items. An item is expired when `deadline <= now`: it expires exactly
 * at its deadline, so an event loop that wakes at `nextDeadline()` and calls `expire` always
 * makes progress (with `<` it would wake at the deadline, drop nothing and spin).
 * `dequeue` first expires everything due, then serves, so the items reported expired do not
 * depend on which discipline is in use.
 */
import type { RequestQueue } from './request-queue.js';
import { IndexedHeap } from './indexed-heap.js';
import { QueueEntry } from './queue-entry.js';

export interface QueueStats {
  /** Items waiting now. */
  size: number;
  maxDepth: number;
  enqueued: number;
  dequeued: number;
  /** Refused by `enqueue` because the queue was full. */
  rejected: number;
  /** Dropped at their deadline (by `expire` or `dequeue`). */
  expired: number;
}

/** A RequestQueue that also counts what it did and whose depth bound can be retuned. */
export interface InstrumentedQueue<T> extends RequestQueue<T> {
  readonly maxDepth: number;
  setMaxDepth(maxDepth: number): void;
  stats(): QueueStats;
}

/** Recycled entries kept per queue: enough to absorb bursts without unbounded retention. */
const SPARE_LIMIT = 1024;

function checkDepth(maxDepth: number): number {
  if (!(Number.isInteger(maxDepth) || maxDepth === Number.POSITIVE_INFINITY) || maxDepth < 1)
    throw new RangeError(`queue maxDepth must be a positive integer or Infinity, got ${maxDepth}`);
  return maxDepth;
}

export abstract class DeadlineQueue<T> implements InstrumentedQueue<T> {
  abstract readonly discipline: 'fifo' | 'priority' | 'wfq';
  private depth: number;
  private count = 0;
  private seq = 0;
  private enqueuedCount = 0;
  private dequeuedCount = 0;
  private rejectedCount = 0;
  private expiredCount = 0;
  private readonly spare: QueueEntry<T>[] = [];
  private readonly deadlines = new IndexedHeap<QueueEntry<T>>(
    (a, b) => a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq),
    (e) => e.deadlinePos,
    (e, i) => {
      e.deadlinePos = i;
    },
  );

  constructor(maxDepth = Number.POSITIVE_INFINITY) {
    this.depth = checkDepth(maxDepth);
  }

  get size(): number {
    return this.count;
  }

  get maxDepth(): number {
    return this.depth;
  }

  /** Lowering the bound below the current size keeps the waiting items; new ones are refused. */
  setMaxDepth(maxDepth: number): void {
    this.depth = checkDepth(maxDepth);
  }

  enqueue(item: T, cls: string, deadline: number, cost: number): boolean {
    if (Number.isNaN(deadline)) throw new RangeError('queue deadline must be a number, got NaN');
    if (!(cost >= 0) || cost === Number.POSITIVE_INFINITY)
      throw new RangeError(`queue cost must be finite and >= 0, got ${cost}`);
    if (this.count >= this.depth) {
      this.rejectedCount++;
      return false;
    }
    const seq = this.seq++;
    const spare = this.spare.pop();
    let e: QueueEntry<T>;
    if (spare) {
      spare.reset(item, cls, deadline, cost, seq);
      e = spare;
    } else {
      e = new QueueEntry(item, cls, deadline, cost, seq);
    }
    this.deadlines.push(e);
    this.insert(e);
    this.count++;
    this.enqueuedCount++;
    return true;
  }

  dequeue(now: number, onExpired: (item: T) => void): T | undefined {
    this.expire(now, onExpired);
    const e = this.take();
    if (!e) return undefined;
    this.deadlines.remove(e);
    this.count--;
    this.dequeuedCount++;
    return this.recycle(e);
  }

  expire(now: number, onExpired: (item: T) => void): number {
    let n = 0;
    for (;;) {
      const e = this.deadlines.peek();
      if (e === undefined || e.deadline > now) return n;
      this.deadlines.pop();
      this.discard(e);
      this.count--;
      this.expiredCount++;
      n++;
      // Callback last: the queue is consistent if it re-enters (e.g. enqueues a fallback).
      onExpired(this.recycle(e));
    }
  }

  nextDeadline(): number {
    const e = this.deadlines.peek();
    return e === undefined ? Number.POSITIVE_INFINITY : e.deadline;
  }

  abstract setWeights(weights: Readonly<Record<string, number>>): void;

  stats(): QueueStats {
    return {
      size: this.count,
      maxDepth: this.depth,
      enqueued: this.enqueuedCount,
      dequeued: this.dequeuedCount,
      rejected: this.rejectedCount,
      expired: this.expiredCount,
    };
  }

  /** Adds a new entry to the service order. */
  protected abstract insert(e: QueueEntry<T>): void;
  /** Removes and returns the entry to serve next (null when none waits). */
  protected abstract take(): QueueEntry<T> | null;
  /** Removes an expired entry from the service order. */
  protected abstract discard(e: QueueEntry<T>): void;

  private recycle(e: QueueEntry<T>): T {
    const item = e.item as T;
    if (this.spare.length < SPARE_LIMIT) {
      e.reset(undefined, '', 0, 1, -1);
      this.spare.push(e);
    }
    return item;
  }
}
