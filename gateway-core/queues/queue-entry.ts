/**
 * One waiting request and the intrusive FIFO list that holds entries of a class. Links live on
 * the entry itself, so removing an expired entry from the middle of its list is O(1) and moving
 * through the queue allocates nothing.
 */
export class QueueEntry<T> {
  item: T | undefined;
  cls = '';
  deadline = 0;
  cost = 1;
  /** Enqueue sequence number: the FIFO tie-break everywhere. */
  seq = 0;
  /** Position in the deadline heap (-1 when not in it). */
  deadlinePos = -1;
  prev: QueueEntry<T> | null = null;
  next: QueueEntry<T> | null = null;
  /** The per-class lane holding this entry (priority and WFQ queues), else null. */
  lane: unknown = null;

  constructor(item: T, cls: string, deadline: number, cost: number, seq: number) {
    this.reset(item, cls, deadline, cost, seq);
  }

  reset(item: T | undefined, cls: string, deadline: number, cost: number, seq: number): void {
    this.item = item;
    this.cls = cls;
    this.deadline = deadline;
    this.cost = cost;
    this.seq = seq;
    this.deadlinePos = -1;
    this.prev = null;
    this.next = null;
    this.lane = null;
  }
}

/** Doubly linked FIFO of entries: push at the tail, shift from the head, remove anywhere. */
export class EntryList<T> {
  head: QueueEntry<T> | null = null;
  tail: QueueEntry<T> | null = null;
  length = 0;

  push(e: QueueEntry<T>): void {
    e.prev = this.tail;
    e.next = null;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.length++;
  }

  shift(): QueueEntry<T> | null {
    const e = this.head;
    if (e) this.remove(e);
    return e;
  }

  remove(e: QueueEntry<T>): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = null;
    e.next = null;
    this.length--;
  }
}
