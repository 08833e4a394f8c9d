/**
 * Strict priority: the waiting item of the highest-priority class is served first; within one
 * priority level, in arrival order (the lane whose head arrived first wins, which is global FIFO
 * across classes of equal priority). Lower classes starve while a higher one has items: that is
 * the point of strict priority (use WFQ to bound starvation).
 *
 *   order: priority(cls) descending, then enqueue sequence ascending
 *
 * `setWeights` takes the priorities (class -> number, higher first; unknown classes get 0).
 */
import { ClassLanesQueue, type Lane } from './class-lanes.js';

function checkPriorities(priorities: Readonly<Record<string, number>>): Record<string, number> {
  for (const [cls, p] of Object.entries(priorities))
    if (!Number.isFinite(p)) throw new RangeError(`priority of class ${cls} must be finite, got ${p}`);
  return { ...priorities };
}

export class PriorityQueue<T> extends ClassLanesQueue<T> {
  readonly discipline = 'priority' as const;
  private priorities: Record<string, number>;

  constructor(priorities: Readonly<Record<string, number>> = {}, maxDepth = Number.POSITIVE_INFINITY) {
    super(maxDepth);
    this.priorities = checkPriorities(priorities);
  }

  setWeights(priorities: Readonly<Record<string, number>>): void {
    this.priorities = checkPriorities(priorities);
    this.reconfigureAll();
  }

  protected before(a: Lane<T>, b: Lane<T>): boolean {
    if (a.priority !== b.priority) return a.priority > b.priority;
    return a.list.head!.seq < b.list.head!.seq;
  }

  protected keyHead(_lane: Lane<T>): void {
    // The key is the head's sequence number, read directly by `before`.
  }

  protected served(_lane: Lane<T>): void {}

  protected configure(lane: Lane<T>): void {
    lane.priority = this.priorities[lane.name] ?? 0;
  }
}
