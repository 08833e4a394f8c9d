/**
 * Space-Saving top-k counting (Metwally, Agrawal and El Abbadi, 2005) in at most `capacity`
 * counters, each with an over-estimate `count` and the `error` it may carry:
 *
 *   a tracked key             count += 1
 *   a new key, room left      tracked with count 1, error 0
 *   a new key, sketch full    takes over the smallest counter m: count = m.count + 1, error = m.count
 *
 *   count - error <= true count <= count, and every key seen more than N / capacity times of N
 *   is tracked. With no more distinct keys than counters the counts are exact.
 *
 * Why: per-key demand over an open key space (prompts) must fit in bounded memory; the heavy
 * hitters, the only keys worth pre-warming, are exactly what the sketch keeps. Counters sit in
 * a min-heap by count: a hot key's counter is a leaf, so its increment sifts nowhere.
 * Each counter also keeps the last `exemplar` seen for its key (a request that regenerates it).
 */
export interface SketchCounter<E> {
  readonly key: string;
  count: number;
  error: number;
  exemplar: E;
  /** Position in the heap. */
  pos: number;
}

export class SpaceSaving<E> {
  private readonly index = new Map<string, SketchCounter<E>>();
  private readonly heap: SketchCounter<E>[] = [];
  /** Items counted (N). */
  total = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`SpaceSaving: capacity must be an integer >= 1, got ${capacity}`);
  }

  /** Counts one occurrence of `key`, remembering `exemplar` as its latest. */
  add(key: string, exemplar: E): void {
    this.total++;
    const c = this.index.get(key);
    if (c !== undefined) {
      c.count++;
      c.exemplar = exemplar;
      this.down(c.pos);
      return;
    }
    const heap = this.heap;
    if (heap.length < this.capacity) {
      const n: SketchCounter<E> = { key, count: 1, error: 0, exemplar, pos: heap.length };
      heap.push(n);
      this.index.set(key, n);
      this.up(n.pos);
      return;
    }
    const min = heap[0];
    this.index.delete(min.key);
    const n: SketchCounter<E> = { key, count: min.count + 1, error: min.count, exemplar, pos: 0 };
    heap[0] = n;
    this.index.set(key, n);
    this.down(0);
  }

  get(key: string): Readonly<SketchCounter<E>> | undefined {
    return this.index.get(key);
  }

  get size(): number {
    return this.heap.length;
  }

  /** The tracked counters (in no particular order). */
  counters(): readonly Readonly<SketchCounter<E>>[] {
    return this.heap;
  }

  private up(i: number): void {
    const h = this.heap;
    const c = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].count <= c.count) break;
      h[i] = h[p];
      h[i].pos = i;
      i = p;
    }
    h[i] = c;
    c.pos = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const c = h[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && h[r].count < h[l].count ? r : l;
      if (h[m].count >= c.count) break;
      h[i] = h[m];
      h[i].pos = i;
      i = m;
    }
    h[i] = c;
    c.pos = i;
  }
}
