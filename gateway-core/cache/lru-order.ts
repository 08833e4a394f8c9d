/**
 * Least recently used: every hit moves the entry to the tail; the victim is the head.
 *   victim = argmin last-use time
 */
import { type CacheEntry, EntryChain, type EvictionOrder } from './cache-entry.js';

export class LruOrder<V> implements EvictionOrder<V> {
  private readonly chain = new EntryChain<V>();

  add(e: CacheEntry<V>): void {
    this.chain.append(e);
  }

  touch(e: CacheEntry<V>): void {
    this.chain.unlink(e);
    this.chain.append(e);
  }

  remove(e: CacheEntry<V>): void {
    this.chain.unlink(e);
  }

  victim(): CacheEntry<V> | null {
    return this.chain.head;
  }
}
