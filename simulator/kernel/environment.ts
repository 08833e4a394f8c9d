/**
 * The simulation kernel, in SimPy's vocabulary: an `Environment` with `now`, `schedule`, `step`
 * and `run(until)`. Pending events sit in a binary min-heap ordered by
 *
 *   (time, priority, sequence)      -- lower first; sequence = order of scheduling
 *
 * so events at the same time and priority fire in the order they were scheduled, and a run
 * is the same run every time (SimPy's heap holds `(time, priority, eventId, event)`).
 *
 * Why plain callbacks instead of SimPy's generator processes: a simulated day at 1,000 req/s
 * is hundreds of millions of events, and a generator per request costs an allocation and a
 * resume per step. Here an event is a slot in parallel typed arrays (time, priority, sequence)
 * plus a callback and a payload; freed slots are reused, so the hot loop allocates nothing.
 * Models that want a process-like story keep their state in an object and re-schedule it.
 *
 * The environment is a gateway-core `Clock`: the policy engine reads `now()` from it.
 */
import type { Clock } from '../../gateway-core/clock.js';

/** What fires when an event's time comes. `payload` is what `schedule` was given. */
export type EventCallback<P = unknown> = (payload: P) => void;

/** Priorities: URGENT before NORMAL at the same instant (SimPy's convention). */
export const URGENT = 0;
export const NORMAL = 1;

export class Environment implements Clock {
  private t: number;
  // Parallel arrays indexed by slot.
  private times = new Float64Array(1024);
  private prios = new Int32Array(1024);
  private seqs = new Float64Array(1024);
  private callbacks: Array<EventCallback<never> | null> = new Array(1024).fill(null);
  private payloads: unknown[] = new Array(1024).fill(undefined);
  private freeSlots: number[] = [];
  private nextSlot = 0;
  // The heap holds slot numbers.
  private heap = new Int32Array(1024);
  private size = 0;
  private sequence = 0;
  /** Events fired so far (for benchmarks and progress). */
  eventsFired = 0;

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  /** Number of pending events. */
  get pending(): number {
    return this.size;
  }

  /** Time of the next event, or Infinity when none is pending. */
  peek(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.times[this.heap[0]];
  }

  /** Schedules `callback(payload)` at absolute time `at` (ms, not before now). */
  schedule<P>(at: number, callback: EventCallback<P>, payload: P, priority = NORMAL): void {
    if (!(at >= this.t)) throw new RangeError(`Environment.schedule: time ${at} is before now ${this.t}`);
    const slot = this.allocSlot();
    this.times[slot] = at;
    this.prios[slot] = priority;
    this.seqs[slot] = this.sequence++;
    this.callbacks[slot] = callback as EventCallback<never>;
    this.payloads[slot] = payload;
    if (this.size === this.heap.length) {
      const grown = new Int32Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    this.siftUp(this.size++, slot);
  }

  /** Schedules `callback(payload)` after `delay` ms (SimPy's `timeout`). */
  timeout<P>(delay: number, callback: EventCallback<P>, payload: P, priority = NORMAL): void {
    this.schedule(this.t + delay, callback, payload, priority);
  }

  /** Fires the next event; false when none is pending. */
  step(): boolean {
    if (this.size === 0) return false;
    const heap = this.heap;
    const slot = heap[0];
    const last = heap[--this.size];
    if (this.size > 0) this.siftDown(0, last);
    this.t = this.times[slot];
    const cb = this.callbacks[slot] as EventCallback<unknown>;
    const payload = this.payloads[slot];
    this.callbacks[slot] = null;
    this.payloads[slot] = undefined;
    this.freeSlots.push(slot);
    this.eventsFired++;
    cb(payload);
    return true;
  }

  /** Fires every event up to and including `until`, then sets the clock to `until`. */
  run(until = Number.POSITIVE_INFINITY): void {
    while (this.size > 0 && this.times[this.heap[0]] <= until) this.step();
    if (until !== Number.POSITIVE_INFINITY && until > this.t) this.t = until;
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.nextSlot++;
    if (slot === this.times.length) this.growSlots();
    return slot;
  }

  private growSlots(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    times.set(this.times);
    this.times = times;
    const prios = new Int32Array(n);
    prios.set(this.prios);
    this.prios = prios;
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.seqs = seqs;
    for (let i = this.callbacks.length; i < n; i++) {
      this.callbacks.push(null);
      this.payloads.push(undefined);
    }
  }

  /** a fires before b. */
  private before(a: number, b: number): boolean {
    const ta = this.times[a];
    const tb = this.times[b];
    if (ta !== tb) return ta < tb;
    const pa = this.prios[a];
    const pb = this.prios[b];
    if (pa !== pb) return pa < pb;
    return this.seqs[a] < this.seqs[b];
  }

  private siftUp(pos: number, slot: number): void {
    const heap = this.heap;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const p = heap[parent];
      if (!this.before(slot, p)) break;
      heap[pos] = p;
      pos = parent;
    }
    heap[pos] = slot;
  }

  private siftDown(pos: number, slot: number): void {
    const heap = this.heap;
    const n = this.size;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.before(heap[right], heap[child])) child = right;
      if (!this.before(heap[child], slot)) break;
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = slot;
  }
}
