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
 * resume per step. Here the heap is three parallel typed arrays that move together (time, a
 * tie key = priority * 2^43 + sequence, and a slot number), so comparisons read contiguous
 * memory; a slot holds the callback and its payload, and freed slots are reused, so the hot
 * loop allocates nothing.
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
  // The heap: entry i has time hTime[i], tie key hKey[i] and slot hSlot[i].
  private hTime = new Float64Array(1024);
  private hKey = new Float64Array(1024);
  private hSlot = new Int32Array(1024);
  private size = 0;
  // Slots: what fires.
  private callbacks: Array<EventCallback<never> | null> = [];
  private payloads: unknown[] = [];
  private freeSlots: number[] = [];
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
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.hTime[0];
  }

  /** Schedules `callback(payload)` at absolute time `at` (ms, not before now). */
  schedule<P>(at: number, callback: EventCallback<P>, payload: P, priority = NORMAL): void {
    if (!(at >= this.t)) throw new RangeError(`Environment.schedule: time ${at} is before now ${this.t}`);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.callbacks.length;
      this.callbacks.push(null);
      this.payloads.push(undefined);
    }
    this.callbacks[slot] = callback as EventCallback<never>;
    this.payloads[slot] = payload;
    if (this.size === this.hTime.length) this.grow();
    // priority * 2^43 + sequence stays an exact integer in a double up to 2^43 events.
    this.siftUp(this.size++, at, priority * 8796093022208 + this.sequence++, slot);
  }

  /** Schedules `callback(payload)` after `delay` ms (SimPy's `timeout`). */
  timeout<P>(delay: number, callback: EventCallback<P>, payload: P, priority = NORMAL): void {
    this.schedule(this.t + delay, callback, payload, priority);
  }

  /** Fires the next event; false when none is pending. */
  step(): boolean {
    if (this.size === 0) return false;
    const slot = this.hSlot[0];
    this.t = this.hTime[0];
    const last = --this.size;
    if (last > 0) this.siftDown(this.hTime[last], this.hKey[last], this.hSlot[last]);
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
    while (this.size > 0 && this.hTime[0] <= until) this.step();
    if (until !== Number.POSITIVE_INFINITY && until > this.t) this.t = until;
  }

  private grow(): void {
    const n = this.hTime.length * 2;
    const time = new Float64Array(n);
    time.set(this.hTime);
    this.hTime = time;
    const key = new Float64Array(n);
    key.set(this.hKey);
    this.hKey = key;
    const slot = new Int32Array(n);
    slot.set(this.hSlot);
    this.hSlot = slot;
  }

  private siftUp(pos: number, time: number, key: number, slot: number): void {
    const hTime = this.hTime;
    const hKey = this.hKey;
    const hSlot = this.hSlot;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = hTime[parent];
      if (pt < time || (pt === time && hKey[parent] < key)) break;
      hTime[pos] = pt;
      hKey[pos] = hKey[parent];
      hSlot[pos] = hSlot[parent];
      pos = parent;
    }
    hTime[pos] = time;
    hKey[pos] = key;
    hSlot[pos] = slot;
  }

  /** Re-inserts (time, key, slot) from the root down after the root was removed. */
  private siftDown(time: number, key: number, slot: number): void {
    const hTime = this.hTime;
    const hKey = this.hKey;
    const hSlot = this.hSlot;
    const n = this.size;
    let pos = 0;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        (hTime[right] < hTime[child] || (hTime[right] === hTime[child] && hKey[right] < hKey[child]))
      )
        child = right;
      const ct = hTime[child];
      if (time < ct || (time === ct && key < hKey[child])) break;
      hTime[pos] = ct;
      hKey[pos] = hKey[child];
      hSlot[pos] = hSlot[child];
      pos = child;
    }
    hTime[pos] = time;
    hKey[pos] = key;
    hSlot[pos] = slot;
  }
}
