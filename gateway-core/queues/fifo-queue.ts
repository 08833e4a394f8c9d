/**
 * First in, first out: serve the entry with the smallest enqueue sequence number. Classes and
 * costs are ignored for ordering (they are kept for the counters of the caller).
 */
import { DeadlineQueue } from './deadline-queue.js';
import { EntryList, type QueueEntry } from './queue-entry.js';

export class FifoQueue<T> extends DeadlineQueue<T> {
  readonly discipline = 'fifo' as const;
  private readonly list = new EntryList<T>();

  /** FIFO has no weights: accepted and ignored so that a policy swap never throws. */
  setWeights(_weights: Readonly<Record<string, number>>): void {}

  protected insert(e: QueueEntry<T>): void {
    this.list.push(e);
  }

  protected take(): QueueEntry<T> | null {
    return this.list.shift();
  }

  protected discard(e: QueueEntry<T>): void {
    this.list.remove(e);
  }
}
