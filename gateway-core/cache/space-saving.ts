/**
 * Space-Saving (Metwally, Agrawal, El Abbadi 2005): the heavy hitters of a stream in k counters.
 *
 *   offer(x):  x counted            -> count_x += 1
 *              x new, room left     -> count_x = 1, error_x = 0
 *              x new, k counters    -> evict m = argmin count; count_x = count_m + 1, error_x = count_m
 *
 * Guarantees, with N = items offered and min = the smallest counter (0 while there is room):
 *   count_x - error_x <= true count of x <= count_x      (error_x <= min <= N / k)
 *   every key with a true count > min is tracked
 * so while fewer than k distinct keys have been offered every count is exact (error 0).
 * The minimum is kept by a min-heap (IndexedHeap), ties broken by the least recently counted,
 * so eviction order is deterministic: O(log k) per offer. Each counter may also keep the last
 * `exemplar` offered for its key (the simulator keeps the request that would regenerate a
 * cache entry). One sketch for the gateway's per-key demand and the simulator's.
 */
import { IndexedHeap } from '../queues/indexed-heap.js';

export interface HeavyHitter {
  key: string;
  /** Space-Saving's estimate: an upper bound on the true count. */
  count: number;
  /** How much of `count` may be inherited from an evicted key (count - error is a lower bound). */
  error: number;
}

interface Counter<E> {
  key: string;
  count: number;
  error: number;
  exemplar: E | undefined;
  /** Offer sequence of its last increment (the tie-break). */
  seq: number;
  pos: number;
}

export class SpaceSaving<E = undefined> {
  private readonly counters = new Map<string, Counter<E>>();
  private readonly heap = new IndexedHeap<Counter<E>>(
    (a, b) => a.count < b.count || (a.count === b.count && a.seq < b.seq),
    (c) => c.pos,
    (c, i) => {
      c.pos = i;
    },
  );
  private offered = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`SpaceSaving: capacity must be an integer >= 1, got ${capacity}`);
  }

  /**
   * Counts one occurrence of `key` (remembering `exemplar` as its latest); returns the key
   * evicted to make room for it, if any.
   */
  offer(key: string, exemplar?: E): string | null {
    const seq = ++this.offered;
    const c = this.counters.get(key);
    if (c !== undefined) {
      c.count++;
      c.seq = seq;
      c.exemplar = exemplar;
      this.heap.update(c);
      return null;
    }
    if (this.counters.size < this.capacity) {
      const fresh: Counter<E> = { key, count: 1, error: 0, exemplar, seq, pos: -1 };
      this.counters.set(key, fresh);
      this.heap.push(fresh);
      return null;
    }
    // Reuse the minimum's counter for the newcomer: it inherits the count as its error.
    const m = this.heap.peek() as Counter<E>;
    const evicted = m.key;
    this.counters.delete(evicted);
    m.key = key;
    m.error = m.count;
    m.count++;
    m.seq = seq;
    m.exemplar = exemplar;
    this.counters.set(key, m);
    this.heap.update(m);
    return evicted;
  }

  has(key: string): boolean {
    return this.counters.has(key);
  }

  get(key: string): HeavyHitter | undefined {
    const c = this.counters.get(key);
    return c === undefined ? undefined : { key: c.key, count: c.count, error: c.error };
  }

  /** The last exemplar offered for a tracked key. */
  exemplar(key: string): E | undefined {
    return this.counters.get(key)?.exemplar;
  }

  /** The tracked counters, unsorted and without copies (for sums over many sketches). */
  tracked(): Iterable<Readonly<HeavyHitter>> {
    return this.counters.values();
  }

  /** Items offered so far. */
  get total(): number {
    return this.offered;
  }

  get size(): number {
    return this.counters.size;
  }

  /** Tracked keys by count, highest first (ties by key), at most `n`. */
  top(n = this.capacity): HeavyHitter[] {
    const out: HeavyHitter[] = [];
    for (const c of this.counters.values()) out.push({ key: c.key, count: c.count, error: c.error });
    out.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out.length > n ? out.slice(0, n) : out;
  }
}
