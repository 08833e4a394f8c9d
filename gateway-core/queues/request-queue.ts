/**
 * Where requests wait for a backend slot. Every discipline (FIFO, strict priority, weighted fair)
 * implements this interface. Each item has a class (a tier or tenant name), a deadline (absolute
 * ms) and a cost (WFQ's service estimate, e.g. expected tokens; 1 when unknown).
 */
export interface RequestQueue<T> {
  readonly discipline: 'fifo' | 'priority' | 'wfq';
  /** Items waiting (expired items already removed by `expire` are not counted). */
  readonly size: number;
  /** Adds an item; false when the queue is at its maximum depth (the caller rejects it). */
  enqueue(item: T, cls: string, deadline: number, cost: number): boolean;
  /** The next item to serve, or undefined when empty. Skips (and reports) items already expired. */
  dequeue(now: number, onExpired: (item: T) => void): T | undefined;
  /** Removes every item whose deadline is at or before `now`, passing each to `onExpired`. */
  expire(now: number, onExpired: (item: T) => void): number;
  /** Earliest deadline among waiting items (Infinity when empty): when to call `expire` next. */
  nextDeadline(): number;
  /** Changes class weights (WFQ) or priorities (priority) at run time. */
  setWeights(weights: Readonly<Record<string, number>>): void;
}
