/**
 * The behaviour every RateLimiter shares. Each algorithm's test file calls
 * `runRateLimiterConformance` with a factory, then adds its exact-number cases and the property
 * for its own documented bound. The arrival generators and window sums used by those properties
 * live here too, so every algorithm is fed the same kind of traffic.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSluiceError } from '../errors.js';
import { LIMIT_ALGORITHMS } from './limiter-factory.js';
import { REJECTED, type RateLimiter, type RateLimiterConfig } from './rate-limiter.js';

export type LimiterMaker = (config: RateLimiterConfig) => RateLimiter;

export interface Arrival {
  readonly t: number;
  readonly amount: number;
}

export interface Admission extends Arrival {
  /** What acquire answered: 0, or the shaping delay. */
  readonly delay: number;
}

/** Small configs, so that random traffic hits the limits often. Integer times keep sums exact. */
export const configArb: fc.Arbitrary<RateLimiterConfig> = fc.record({
  limit: fc.integer({ min: 1, max: 20 }),
  periodMs: fc.constantFrom(60, 100, 1000),
  burst: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
});

/**
 * Arrivals at non-decreasing integer times: gaps of 0 (bursts at one instant) up to a period
 * and a half, amounts from 1 to maxAmount.
 */
export function arrivalsArb(periodMs: number, maxAmount: number, maxLength = 120): fc.Arbitrary<Arrival[]> {
  const step = fc.record({
    gap: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: Math.ceil(periodMs / 4) }),
      fc.integer({ min: 0, max: Math.ceil(periodMs * 1.5) }),
    ),
    amount: fc.integer({ min: 1, max: maxAmount }),
  });
  return fc.array(step, { maxLength, size: 'max' }).map((steps) => {
    let t = 0;
    return steps.map((s) => {
      t += s.gap;
      return { t, amount: s.amount };
    });
  });
}

/**
 * Arrivals at fractional times on a wall-clock scale (epoch ms, where one ulp is ~2.4e-4 ms),
 * to check that waiting `waitTime` and trying again works despite rounding.
 */
export function epochArrivalsArb(periodMs: number, maxAmount: number): fc.Arbitrary<Arrival[]> {
  const t0 = 1_764_000_000_000.123;
  const step = fc.record({
    gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: periodMs * 1.5, noNaN: true })),
    amount: fc.integer({ min: 1, max: maxAmount }),
  });
  return fc.array(step, { maxLength: 60, size: 'max' }).map((steps) => {
    let t = t0;
    return steps.map((s) => {
      t += s.gap;
      return { t, amount: s.amount };
    });
  });
}

/** Feeds the arrivals in order and returns the admitted ones. */
export function drive(limiter: RateLimiter, arrivals: readonly Arrival[]): Admission[] {
  const admitted: Admission[] = [];
  for (const a of arrivals) {
    const delay = limiter.acquire(a.amount, a.t);
    if (delay !== REJECTED) admitted.push({ t: a.t, amount: a.amount, delay });
  }
  return admitted;
}

/** Sum of the amounts admitted at times in [from, to). `admitted` is sorted by time. */
export function admittedIn(admitted: readonly Arrival[], from: number, to: number): number {
  let sum = 0;
  for (const a of admitted) if (a.t >= from && a.t < to) sum += a.amount;
  return sum;
}

/** The largest sum admitted in any window [s, s + length): the maximum is reached at some s = t_i. */
export function maxInAnyWindow(admitted: readonly Arrival[], length: number): number {
  let best = 0;
  let sum = 0;
  let j = 0;
  for (let i = 0; i < admitted.length; i++) {
    while (j < admitted.length && admitted[j].t < admitted[i].t + length) sum += admitted[j++].amount;
    if (sum > best) best = sum;
    sum -= admitted[i].amount;
  }
  return best;
}

/** Float slack for bound checks: the limiters admit up to 1e-9 of capacity beyond exact. */
export const TOLERANCE = 1e-6;

function isConfigInvalid(e: unknown): boolean {
  return isSluiceError(e) && e.code === 'SLUICE_CONFIG_INVALID';
}

export function runRateLimiterConformance(name: string, make: LimiterMaker): void {
  const ten: RateLimiterConfig = { limit: 10, periodMs: 1000 };

  test(`${name}: names a known algorithm, and its capacity is the limit when no burst is given`, () => {
    const l = make(ten);
    assert.ok(LIMIT_ALGORITHMS.includes(l.algorithm), l.algorithm);
    assert.equal(l.capacity, 10);
    assert.equal(l.available(0), 10);
  });

  test(`${name}: a fresh limiter admits exactly its capacity at one instant, then refuses`, () => {
    const l = make(ten);
    for (let i = 0; i < 10; i++) assert.notEqual(l.acquire(1, 0), REJECTED, `unit ${i + 1}`);
    assert.equal(l.acquire(1, 0), REJECTED);
    assert.equal(l.available(0), 0);
  });

  test(`${name}: a refusal takes nothing`, () => {
    const l = make(ten);
    assert.notEqual(l.acquire(7, 0), REJECTED);
    assert.equal(l.available(0), 3);
    assert.equal(l.acquire(5, 0), REJECTED);
    assert.equal(l.available(0), 3);
    assert.notEqual(l.acquire(3, 0), REJECTED);
    assert.equal(l.available(0), 0);
  });

  test(`${name}: more than the capacity is never admitted, and waitTime says never`, () => {
    const l = make(ten);
    assert.equal(l.acquire(11, 0), REJECTED);
    assert.equal(l.waitTime(11, 0), Number.POSITIVE_INFINITY);
    assert.equal(l.acquire(11, 1e7), REJECTED);
    assert.equal(l.waitTime(10, 1e7), 0);
    assert.equal(l.available(1e7), 10);
  });

  test(`${name}: acquire(0) is admitted at once and takes nothing`, () => {
    const l = make(ten);
    assert.notEqual(l.acquire(10, 0), REJECTED);
    assert.equal(l.waitTime(0, 0), 0);
    assert.notEqual(l.acquire(0, 0), REJECTED);
    assert.equal(l.available(0), 0);
  });

  test(`${name}: negative, NaN and infinite amounts throw RangeError`, () => {
    const l = make(ten);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => l.acquire(bad, 0), RangeError);
      assert.throws(() => l.waitTime(bad, 0), RangeError);
    }
    assert.equal(l.available(0), 10);
  });

  test(`${name}: bad configs throw SLUICE_CONFIG_INVALID, at construction and at reconfigure`, () => {
    const bad: RateLimiterConfig[] = [
      { limit: 0, periodMs: 1000 },
      { limit: -5, periodMs: 1000 },
      { limit: Number.NaN, periodMs: 1000 },
      { limit: Number.POSITIVE_INFINITY, periodMs: 1000 },
      { limit: 10, periodMs: 0 },
      { limit: 10, periodMs: -1 },
      { limit: 10, periodMs: 1000, burst: 0 },
      { limit: 10, periodMs: 1000, burst: Number.NaN },
    ];
    for (const config of bad) assert.throws(() => make(config), isConfigInvalid, JSON.stringify(config));
    const l = make(ten);
    assert.notEqual(l.acquire(4, 0), REJECTED);
    for (const config of bad) assert.throws(() => l.reconfigure(config, 0), isConfigInvalid);
    // A refused reconfigure leaves the limiter as it was.
    assert.equal(l.capacity, 10);
    assert.equal(l.available(0), 6);
  });

  test(`${name}: available drops by exactly what is admitted; adjust charges and refunds exactly`, () => {
    const l = make(ten);
    assert.notEqual(l.acquire(4, 0), REJECTED);
    assert.equal(l.available(0), 6);
    l.adjust(2, 0);
    assert.equal(l.available(0), 4);
    l.adjust(-5, 0);
    assert.equal(l.available(0), 9);
    // Charging past what is left leaves nothing available (a debt for later requests to wait out).
    l.adjust(12, 0);
    assert.equal(l.available(0), 0);
    assert.equal(l.acquire(1, 0), REJECTED);
  });

  test(`${name}: recovers its full capacity after idling`, () => {
    const l = make(ten);
    for (let t = 0; t < 3000; t += 7) l.acquire(3, t);
    assert.equal(l.available(1e6), 10);
    assert.equal(l.waitTime(10, 1e6), 0);
    assert.notEqual(l.acquire(10, 1e6), REJECTED);
  });

  test(`${name}: long-run throughput under saturating demand is the limit`, () => {
    // One unit every 10 ms (100/s) against 10/s, for 20 periods.
    const l = make(ten);
    let admitted = 0;
    for (let t = 0; t < 20_000; t += 10) if (l.acquire(1, t) !== REJECTED) admitted++;
    // At most capacity + limit * periods. At least 90% of the limit: the sliding counter still
    // charges a sliver of the previous window at each window's last arrival, and settles at 9 of 10.
    assert.ok(admitted >= 0.9 * 10 * 20 && admitted <= 10 + 10 * 20, `admitted ${admitted}`);
  });

  test(`${name}: reconfigure changes the capacity and keeps what was used`, () => {
    const l = make(ten);
    for (let i = 0; i < 10; i++) l.acquire(1, 0);
    l.reconfigure({ limit: 20, periodMs: 1000 }, 0);
    assert.equal(l.capacity, 20);
    // A fresh limiter would have 20: the earlier admissions still count.
    assert.ok(l.available(0) < 20, `available ${l.available(0)}`);
    assert.equal(l.available(1e6), 20);
  });

  test(`${name}: waitTime is 0 exactly when acquire admits (property)`, () => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit + 2))),
        ([config, arrivals]) => {
          const l = make(config);
          for (const a of arrivals) {
            const wait = l.waitTime(a.amount, a.t);
            const got = l.acquire(a.amount, a.t);
            assert.equal(wait === 0, got !== REJECTED, `t=${a.t} amount=${a.amount} wait=${wait} got=${got}`);
            assert.equal(got === REJECTED || got >= 0, true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test(`${name}: after a refusal, acquire succeeds at now + waitTime and not halfway there (property)`, () => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit))),
        ([config, arrivals]) => {
          // Two twins fed the same arrivals; the first refusal forks them.
          const a = make(config);
          const b = make(config);
          for (const x of arrivals) {
            const got = a.acquire(x.amount, x.t);
            assert.equal(b.acquire(x.amount, x.t), got);
            if (got !== REJECTED) continue;
            const wait = a.waitTime(x.amount, x.t);
            if (x.amount > a.capacity) {
              assert.equal(wait, Number.POSITIVE_INFINITY);
              continue;
            }
            assert.ok(wait > 0 && Number.isFinite(wait), `wait ${wait}`);
            assert.equal(a.acquire(x.amount, x.t + wait / 2), REJECTED, `at t + ${wait / 2}`);
            assert.notEqual(b.acquire(x.amount, x.t + wait), REJECTED, `at t + ${wait}`);
            assert.notEqual(a.acquire(x.amount, x.t + wait), REJECTED);
            return;
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test(`${name}: at epoch-ms times, acquire at now + waitTime admits despite rounding (property)`, () => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), epochArrivalsArb(c.periodMs, c.limit))),
        ([config, arrivals]) => {
          const a = make(config);
          let clock = 0; // time only moves forward, past the retries too
          for (const x of arrivals) {
            clock = Math.max(clock, x.t);
            if (a.acquire(x.amount, clock) !== REJECTED || x.amount > a.capacity) continue;
            const wait = a.waitTime(x.amount, clock);
            assert.ok(wait > 0 && Number.isFinite(wait), `wait ${wait}`);
            clock += wait;
            assert.notEqual(a.acquire(x.amount, clock), REJECTED, `t=${clock} wait=${wait}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test(`${name}: never admits more than capacity + limit in any window of one period (property)`, () => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit))),
        ([config, arrivals]) => {
          const l = make(config);
          const admitted = drive(l, arrivals);
          const most = maxInAnyWindow(admitted, config.periodMs);
          assert.ok(most <= l.capacity + config.limit + TOLERANCE, `${most} in one period`);
        },
      ),
      { numRuns: 150 },
    );
  });

  test(`${name}: the same arrivals give the same decisions (determinism)`, () => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit))),
        ([config, arrivals]) => {
          assert.deepEqual(drive(make(config), arrivals), drive(make(config), arrivals));
        },
      ),
      { numRuns: 50 },
    );
  });
}
