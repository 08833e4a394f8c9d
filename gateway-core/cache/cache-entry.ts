/**
 * A cached response and the intrusive links that order it: `prev`/`next` for the eviction order
 * (LRU list or LFU frequency bucket), `older`/`newer` for expiry order (the order entries were
 * stored, which is expiry order while the TTL is fixed).
 */
export class CacheEntry<V> {
  prev: CacheEntry<V> | null = null;
  next: CacheEntry<V> | null = null;
  older: CacheEntry<V> | null = null;
  newer: CacheEntry<V> | null = null;
  /** LFU: use count and the frequency bucket holding the entry. */
  freq = 0;
  bucket: unknown = null;

  constructor(
    readonly key: string,
    readonly value: V,
    readonly bytes: number,
    readonly expiresAt: number,
  ) {}
}

/** Which entry to evict next, and how use changes that. All operations O(1). */
export interface EvictionOrder<V> {
  add(e: CacheEntry<V>): void;
  touch(e: CacheEntry<V>): void;
  remove(e: CacheEntry<V>): void;
  victim(): CacheEntry<V> | null;
}

/** A doubly linked list over `prev`/`next`: oldest at the head, newest at the tail. */
export class EntryChain<V> {
  head: CacheEntry<V> | null = null;
  tail: CacheEntry<V> | null = null;

  append(e: CacheEntry<V>): void {
    e.prev = this.tail;
    e.next = null;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
  }

  unlink(e: CacheEntry<V>): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = null;
    e.next = null;
  }
}
