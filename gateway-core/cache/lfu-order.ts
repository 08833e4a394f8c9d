/**
 * Least frequently used, in O(1) per operation (Shah, Mitra and Matani, "An O(1) algorithm for
 * implementing the LFU cache eviction scheme", 2010):
 *
 *   victim = argmin (use count, time it reached that count)
 *
 * Entries sit in frequency buckets kept in a list sorted by count; each bucket is a chain in the
 * order entries reached its count. A hit moves the entry to the bucket for count + 1 (created
 * next to its current one if missing); the victim is the head of the first bucket. A new entry
 * starts at count 1. Counts never age: the TTL bounds how long a once-popular entry can squat.
 */
import { type CacheEntry, EntryChain, type EvictionOrder } from './cache-entry.js';

class FreqBucket<V> extends EntryChain<V> {
  prevBucket: FreqBucket<V> | null = null;
  nextBucket: FreqBucket<V> | null = null;
  constructor(readonly freq: number) {
    super();
  }
}

export class LfuOrder<V> implements EvictionOrder<V> {
  private first: FreqBucket<V> | null = null;

  add(e: CacheEntry<V>): void {
    let b = this.first;
    if (b === null || b.freq !== 1) b = this.insertAfter(null, 1);
    e.freq = 1;
    e.bucket = b;
    b.append(e);
  }

  touch(e: CacheEntry<V>): void {
    const from = e.bucket as FreqBucket<V>;
    const f = from.freq + 1;
    let to = from.nextBucket;
    if (to === null || to.freq !== f) to = this.insertAfter(from, f);
    from.unlink(e);
    e.freq = f;
    e.bucket = to;
    to.append(e);
    if (from.head === null) this.drop(from);
  }

  remove(e: CacheEntry<V>): void {
    const b = e.bucket as FreqBucket<V>;
    b.unlink(e);
    e.bucket = null;
    if (b.head === null) this.drop(b);
  }

  victim(): CacheEntry<V> | null {
    return this.first === null ? null : this.first.head;
  }

  /** Inserts a new bucket after `at` (at the front when null). */
  private insertAfter(at: FreqBucket<V> | null, freq: number): FreqBucket<V> {
    const b = new FreqBucket<V>(freq);
    const after = at === null ? this.first : at.nextBucket;
    b.prevBucket = at;
    b.nextBucket = after;
    if (after) after.prevBucket = b;
    if (at) at.nextBucket = b;
    else this.first = b;
    return b;
  }

  private drop(b: FreqBucket<V>): void {
    if (b.prevBucket) b.prevBucket.nextBucket = b.nextBucket;
    else this.first = b.nextBucket;
    if (b.nextBucket) b.nextBucket.prevBucket = b.prevBucket;
  }
}
