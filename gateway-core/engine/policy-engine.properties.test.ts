/**
 * Properties of what the engine charges its limits, checked against the scenario driver's tally
 * (policy-engine.scenario.ts drives the engine like an adapter and checks the lifecycle):
 *
 *   - ledger: with window limits that never roll over during a run (period 1 h), once every
 *     request has settled each limiter holds exactly what decision 3 of docs/decisions.md says
 *     the requests cost: a request that reached upstream keeps 1 request and its input tokens,
 *     one that completed pays its actual usage, one that never ran pays nothing; no reservation
 *     leaks and none is given back twice;
 *   - bounds: the requests a limit admitted over any window stay within the algorithm's bound
 *     (token bucket: capacity + rate * w; fixed window: limit per aligned window), counting the
 *     units given back by requests that never ran.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../clock.js';
import { GLOBAL_KEY } from '../limits/limit-key.js';
import { parseDurationMs } from '../policy/duration.js';
import type { LimitUnit } from '../policy/schema.js';
import { SeededRng } from '../rng.js';
import type { EngineTicket } from './engine-ticket.js';
import { PolicyEngine } from './policy-engine.js';
import {
  buildPolicy,
  KEYS,
  type LimitChoice,
  limitArb,
  opsArb,
  type PolicyChoice,
  policyChoiceArb,
  runScenario,
  type Track,
} from './policy-engine.scenario.js';
import type { SharedState } from './shared-state.js';

/**
 * SLUICE_FC_RUNS scales every property's runs and SLUICE_FC_SEED picks the seed, for deeper
 * searches by hand; the defaults (x1, a fixed seed) keep CI fast and repeatable.
 */
const runs = (n: number) => Math.ceil(n * Number(process.env.SLUICE_FC_RUNS ?? 1));
fc.configureGlobal({ seed: Number(process.env.SLUICE_FC_SEED ?? 20261127) });

function sharedOf(engine: PolicyEngine): SharedState {
  return (engine as unknown as { shared: SharedState }).shared;
}

/** The global limiter of limit `l<i>` (undefined when no request ever reached it). */
function globalLimiter(engine: PolicyEngine, index: number) {
  for (const [sig, keyed] of sharedOf(engine).allKeyedLimiters())
    if (sig.startsWith(`l${index}|`)) return keyed.peek(GLOBAL_KEY);
  return undefined;
}

/** What a settled request costs a limit of `unit` (decision 3). */
function cost(t: Track, unit: LimitUnit): number {
  const ranUpstream = t.attempts > 0 || t.state === 'cached';
  if (!ranUpstream) return 0;
  if (unit === 'requests') return 1;
  if (t.state === 'done') {
    const u = t.usage!;
    return unit === 'input-tokens' ? u.input : unit === 'output-tokens' ? u.output : u.input + u.output;
  }
  // Cached, failed, or dropped after an attempt: the prompt was sent (or answered), no output.
  return unit === 'output-tokens' ? 0 : t.request.inputTokens;
}

function inScope(t: Track, l: LimitChoice): boolean {
  if (t.tenant === '-') return false;
  return l.scope === 'defaults' || l.scope === t.tenant;
}

const windowLimits = fc.array(
  limitArb(
    ['fixed-window', 'sliding-log', 'sliding-counter'],
    ['requests', 'input-tokens', 'output-tokens', 'total-tokens'],
    ['1h'],
    ['global'],
  ),
  { minLength: 1, maxLength: 3 },
);

test('ledger: after every request settles, each window limiter holds exactly the usage the requests imply', () => {
  fc.assert(
    fc.property(
      policyChoiceArb(windowLimits),
      opsArb(null, 90),
      fc.constantFrom('ok', 'failing'),
      (policy: PolicyChoice, ops, settle) => {
        const run = runScenario(policy, ops, {
          settleOutcome:
            settle === 'ok'
              ? { kind: 'ok', inputDelta: 3, outputShare: 0.5, cacheIt: false }
              : { kind: '5xx' },
        });
        const now = run.clock.now();
        policy.limits.forEach((l, i) => {
          let used = 0;
          for (const t of run.tracks.values()) if (inScope(t, l)) used += cost(t, l.unit);
          const limiter = globalLimiter(run.engine, i);
          const available = limiter === undefined ? l.amount : limiter.available(now);
          assert.equal(
            available,
            Math.max(0, l.amount - used),
            `limit l${i} (${l.algorithm}, ${l.amount} ${l.unit}, ${l.scope}): used ${used}`,
          );
        });
      },
    ),
    { numRuns: runs(250) },
  );
});

interface Charge {
  at: number;
  amount: number;
}

/**
 * Records when each request's charge on limit l0 was taken (seen in the ticket's charges after an
 * engine call) and when requests that never ran gave it back.
 */
function chargesOf(policy: PolicyChoice, ops: Parameters<typeof runScenario>[1]) {
  const taken: Charge[] = [];
  const refunded: Charge[] = [];
  const seen = new Set<string>();
  const run = runScenario(policy, ops, {
    afterCall: (r) => {
      const now = r.clock.now();
      for (const t of r.tracks.values()) {
        if (seen.has(t.id)) continue;
        if (t.state === 'cached') {
          seen.add(t.id);
          taken.push({ at: now, amount: 1 });
        } else if (t.ticket !== null && (t.ticket as EngineTicket).charges.length > 0) {
          seen.add(t.id);
          taken.push({ at: now, amount: 1 });
        }
      }
    },
  });
  for (const t of run.tracks.values())
    if (seen.has(t.id) && t.attempts === 0 && t.state !== 'cached')
      refunded.push({ at: t.endedAt, amount: 1 });
  return { run, taken, refunded };
}

function sumIn(cs: readonly Charge[], from: number, to: number): number {
  let s = 0;
  for (const c of cs) if (c.at >= from && c.at <= to) s += c.amount;
  return s;
}

const requestLimit = (algorithm: 'token-bucket' | 'fixed-window' | 'sliding-log' | 'sliding-counter') =>
  limitArb([algorithm], ['requests'], ['200ms', '1s'], ['global']).map((l) => ({
    ...l,
    scope: 'defaults' as const,
  }));

test('bounds: a token bucket admits at most capacity + rate * w requests in any window w (plus refunds)', () => {
  fc.assert(
    fc.property(
      policyChoiceArb(requestLimit('token-bucket').map((l) => [l])),
      opsArb(null, 90),
      (policy, ops) => {
        const { taken, refunded } = chargesOf(policy, ops);
        const l = policy.limits[0];
        const periodMs = parseDurationMs(l.period);
        const capacity = l.burst ?? l.amount;
        for (let i = 0; i < taken.length; i++)
          for (let j = i; j < taken.length; j++) {
            const w = taken[j].at - taken[i].at;
            const admitted = j - i + 1;
            const bound = capacity + (l.amount / periodMs) * w + sumIn(refunded, taken[i].at, taken[j].at);
            assert.ok(
              admitted <= bound + 1e-6,
              `${admitted} admitted in [${taken[i].at}, ${taken[j].at}], bound ${bound}`,
            );
          }
      },
    ),
    { numRuns: runs(120) },
  );
});

test('bounds: a fixed window admits at most its limit per aligned window (plus refunds)', () => {
  fc.assert(
    fc.property(
      policyChoiceArb(requestLimit('fixed-window').map((l) => [l])),
      opsArb(null, 90),
      (policy, ops) => {
        const { taken, refunded } = chargesOf(policy, ops);
        const l = policy.limits[0];
        const periodMs = parseDurationMs(l.period);
        const windows = new Set(taken.map((c) => Math.floor(c.at / periodMs)));
        for (const k of windows) {
          const from = k * periodMs;
          const to = from + periodMs - 1e-9;
          const admitted = sumIn(taken, from, to);
          assert.ok(
            admitted <= l.amount + sumIn(refunded, from, to),
            `window ${k}: ${admitted} admitted, limit ${l.amount}`,
          );
        }
      },
    ),
    { numRuns: runs(120) },
  );
});

for (const [algorithm, factor] of [
  ['sliding-log', 1],
  ['sliding-counter', 2],
] as const) {
  test(`bounds: a ${algorithm} admits at most ${factor} x its limit in any window of one period (plus refunds)`, () => {
    fc.assert(
      fc.property(
        policyChoiceArb(requestLimit(algorithm).map((l) => [l])),
        opsArb(null, 90),
        (policy, ops) => {
          const { taken, refunded } = chargesOf(policy, ops);
          const l = policy.limits[0];
          const periodMs = parseDurationMs(l.period);
          for (const start of taken) {
            const to = start.at + periodMs - 1e-9;
            const admitted = sumIn(taken, start.at, to);
            assert.ok(
              admitted <= factor * l.amount + sumIn(refunded, start.at, to),
              `[${start.at}, ${start.at + periodMs}): ${admitted} admitted, limit ${l.amount}`,
            );
          }
        },
      ),
      { numRuns: runs(100) },
    );
  });
}

test('the bound properties see refusals: a 1-request window refuses a second request at the same instant', () => {
  const policy: PolicyChoice = fc.sample(policyChoiceArb(requestLimit('fixed-window').map((l) => [l])), {
    numRuns: 1,
    seed: 1,
  })[0];
  policy.limits[0] = { ...policy.limits[0], amount: 1, onLimit: 'reject' };
  policy.budget = null;
  policy.acmeConcurrency = null;
  const submit = {
    kind: 'submit' as const,
    gap: 0,
    key: 0,
    model: 'big' as const,
    inputTokens: 1,
    maxOutputTokens: 1,
    cacheKey: undefined,
  };
  const run = runScenario(policy, [submit, submit]);
  assert.deepEqual(
    [...run.tracks.values()].map((t) => [t.state, t.code]),
    [
      ['done', null],
      ['rejected', 'SLUICE_RATE_LIMITED'],
    ],
  );
});

test('retry-after: a request refused by a rate limit passes it when retried exactly retryAfterMs later, not 1 ms sooner', () => {
  const arrivals = fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 150 }),
      inputTokens: fc.integer({ min: 1, max: 100 }),
      maxOut: fc.integer({ min: 1, max: 64 }),
    }),
    { minLength: 1, maxLength: 40 },
  );
  const oneLimit = limitArb(
    ['token-bucket', 'leaky-bucket', 'fixed-window', 'sliding-log', 'sliding-counter'],
    ['requests', 'input-tokens', 'output-tokens', 'total-tokens'],
    ['200ms', '1s'],
    ['apiKey'],
  ).map((l) => ({ ...l, scope: 'defaults' as const, onLimit: 'reject' as const }));
  fc.assert(
    fc.property(policyChoiceArb(oneLimit.map((l) => [l])), arrivals, (choice, list) => {
      const doc = buildPolicy({ ...choice, acmeConcurrency: null, budget: null, deadlineMs: 60_000 });
      for (const b of Object.values(doc.backends)) {
        b.maxConcurrencyPerInstance = 10_000;
        delete b.breaker;
        delete b.outlierEjection;
      }
      doc.defaults!.cache = false;
      const clock = new ManualClock(0);
      const engine = new PolicyEngine({
        policy: doc,
        clock,
        rng: new SeededRng(3),
        listener: { dispatch() {}, expire() {} },
      });
      let n = 0;
      const ask = (a: (typeof list)[number]) =>
        engine.submit({
          id: `r${++n}`,
          apiKey: KEYS[0],
          model: 'big',
          inputTokens: a.inputTokens,
          maxOutputTokens: a.maxOut,
        });
      for (const a of list) {
        clock.advance(a.gap);
        const r = ask(a);
        if (r.kind !== 'rejected' || r.retryAfterMs === null) continue;
        assert.equal(r.code, 'SLUICE_RATE_LIMITED');
        const at = clock.now();
        assert.ok(r.retryAfterMs > 0, `retryAfterMs ${r.retryAfterMs}`);
        if (r.retryAfterMs > 1) {
          clock.set(at + r.retryAfterMs - 1);
          const early = ask(a);
          assert.equal(
            early.kind === 'rejected' && early.code,
            'SLUICE_RATE_LIMITED',
            `1 ms early at ${clock.now()}`,
          );
        }
        clock.set(at + r.retryAfterMs);
        const later = ask(a);
        assert.notEqual(
          later.kind,
          'rejected',
          `retry at ${clock.now()} (refused at ${at}, retry-after ${r.retryAfterMs})`,
        );
        return;
      }
    }),
    { numRuns: runs(300) },
  );
});
