/**
 * Per-class FIFO lanes with a heap over the lanes' heads: the shared machinery of the strict
 * priority and weighted fair queues. Only a lane's head is ordered against other lanes, so the
 * heap holds at most one node per class (a handful), and within a class order is always FIFO.
 *
 * A subclass gives the ordering of lanes (`before`) and keys a lane whenever it gets a new head
 * (`keyHead`); `served` lets it account for the service given.
 */
import { DeadlineQueue } from './deadline-queue.js';
import { IndexedHeap } from './indexed-heap.js';
import { EntryList, type QueueEntry } from './queue-entry.js';

export class Lane<T> {
  readonly list = new EntryList<T>();
  heapPos = -1;
  /** Strict priority (higher first) for the priority queue. */
  priority = 0;
  /** WFQ: weight, start and finish tags of the head, finish tag of the last item served. */
  weight = 1;
  start = 0;
  finish = 0;
  lastFinish = 0;
  constructor(readonly name: string) {}
}

export abstract class ClassLanesQueue<T> extends DeadlineQueue<T> {
  protected readonly lanes = new Map<string, Lane<T>>();
  protected readonly heads: IndexedHeap<Lane<T>>;

  constructor(maxDepth: number) {
    super(maxDepth);
    this.heads = new IndexedHeap<Lane<T>>(
      (a, b) => this.before(a, b),
      (l) => l.heapPos,
      (l, i) => {
        l.heapPos = i;
      },
    );
  }

  /** True when lane a's head is served before lane b's. */
  protected abstract before(a: Lane<T>, b: Lane<T>): boolean;
  /** Sets the ordering key of a lane after its head changed. */
  protected abstract keyHead(lane: Lane<T>): void;
  /** Called when the lane's head is taken for service (before the next head is keyed). */
  protected abstract served(lane: Lane<T>): void;
  /** Sets a new lane's static parameters (its weight or priority). */
  protected abstract configure(lane: Lane<T>): void;

  protected insert(e: QueueEntry<T>): void {
    let lane = this.lanes.get(e.cls);
    if (lane === undefined) {
      lane = new Lane<T>(e.cls);
      this.configure(lane);
      this.lanes.set(e.cls, lane);
    }
    e.lane = lane;
    lane.list.push(e);
    if (lane.list.length === 1) {
      this.keyHead(lane);
      this.heads.push(lane);
    }
  }

  protected take(): QueueEntry<T> | null {
    const lane = this.heads.peek();
    if (lane === undefined) return null;
    const e = lane.list.shift();
    this.served(lane);
    this.afterHeadChange(lane);
    return e;
  }

  protected discard(e: QueueEntry<T>): void {
    const lane = e.lane as Lane<T>;
    const wasHead = lane.list.head === e;
    lane.list.remove(e);
    if (wasHead) this.afterHeadChange(lane);
  }

  /** Re-keys every lane (after weights or priorities changed) and restores heap order. */
  protected reconfigureAll(): void {
    for (const lane of this.lanes.values()) {
      this.configure(lane);
      if (lane.list.length > 0) this.rekey(lane);
    }
    this.heads.rebuild();
  }

  /** Recomputes a waiting head's key after its weight changed (default: key it afresh). */
  protected rekey(lane: Lane<T>): void {
    this.keyHead(lane);
  }

  private afterHeadChange(lane: Lane<T>): void {
    if (lane.list.length === 0) {
      this.heads.remove(lane);
    } else {
      this.keyHead(lane);
      this.heads.update(lane);
    }
  }
}
