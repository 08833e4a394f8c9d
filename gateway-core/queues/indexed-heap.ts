/**
 * A binary min-heap whose nodes remember their own position, so any node can be removed or
 * re-keyed in O(log n) without a search:
 *
 *   parent(i) = (i - 1) >> 1,   children(i) = 2i + 1, 2i + 2
 *   invariant: !before(node[i], node[parent(i)]) for every i > 0
 *
 * A queue entry sits in two heaps at once (service order and deadlines), so the position lives in
 * a slot the caller names through `getPos`/`setPos` rather than in a fixed field. Position -1
 * means "not in this heap".
 */
export class IndexedHeap<N> {
  private readonly nodes: N[] = [];

  constructor(
    private readonly before: (a: N, b: N) => boolean,
    private readonly getPos: (n: N) => number,
    private readonly setPos: (n: N, i: number) => void,
  ) {}

  get size(): number {
    return this.nodes.length;
  }

  peek(): N | undefined {
    return this.nodes[0];
  }

  contains(n: N): boolean {
    const i = this.getPos(n);
    return i >= 0 && i < this.nodes.length && this.nodes[i] === n;
  }

  push(n: N): void {
    this.nodes.push(n);
    this.setPos(n, this.nodes.length - 1);
    this.up(this.nodes.length - 1);
  }

  pop(): N | undefined {
    const top = this.nodes[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Removes `n` if it is in the heap. */
  remove(n: N): boolean {
    if (!this.contains(n)) return false;
    this.removeAt(this.getPos(n));
    return true;
  }

  /** Restores order after `n`'s key changed (in either direction). */
  update(n: N): void {
    const i = this.getPos(n);
    if (!this.up(i)) this.down(i);
  }

  /** Restores order after many keys changed at once: O(n). */
  rebuild(): void {
    for (let i = (this.nodes.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** Visits every node in heap (not sorted) order. */
  forEach(fn: (n: N) => void): void {
    for (let i = 0; i < this.nodes.length; i++) fn(this.nodes[i]);
  }

  private removeAt(i: number): void {
    const nodes = this.nodes;
    const gone = nodes[i];
    const last = nodes.pop() as N;
    this.setPos(gone, -1);
    if (i < nodes.length) {
      nodes[i] = last;
      this.setPos(last, i);
      if (!this.up(i)) this.down(i);
    }
  }

  /** Moves node i towards the root; true if it moved. */
  private up(i: number): boolean {
    const nodes = this.nodes;
    const n = nodes[i];
    const start = i;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = nodes[p];
      if (!this.before(n, parent)) break;
      nodes[i] = parent;
      this.setPos(parent, i);
      i = p;
    }
    nodes[i] = n;
    this.setPos(n, i);
    return i !== start;
  }

  private down(i: number): void {
    const nodes = this.nodes;
    const len = nodes.length;
    const n = nodes[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= len) break;
      const r = l + 1;
      const c = r < len && this.before(nodes[r], nodes[l]) ? r : l;
      if (!this.before(nodes[c], n)) break;
      nodes[i] = nodes[c];
      this.setPos(nodes[i], i);
      i = c;
    }
    nodes[i] = n;
    this.setPos(n, i);
  }
}
