/**
 * Model-based properties of the whole request path: random policies, traffic, upstream outcomes,
 * policy changes, canaries and scaling, driven like an adapter (policy-engine.scenario.ts checks
 * the lifecycle invariants as it goes). Here: telemetry conservation against the driver's tally,
 * and determinism.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { validatePolicy } from '../policy/validate.js';
import type { IntervalRecord } from '../telemetry/interval-record.js';
import {
  buildPolicy,
  limitArb,
  opsArb,
  type PolicyChoice,
  policyChoiceArb,
  runScenario,
  type Track,
} from './policy-engine.scenario.js';

/**
 * SLUICE_FC_RUNS scales every property's runs and SLUICE_FC_SEED picks the seed, for deeper
 * searches by hand; the defaults (x1, a fixed seed) keep CI fast and repeatable.
 */
const runs = (n: number) => Math.ceil(n * Number(process.env.SLUICE_FC_RUNS ?? 1));
fc.configureGlobal({ seed: Number(process.env.SLUICE_FC_SEED ?? 20261127) });

const anyLimits = fc.array(
  limitArb(
    ['token-bucket', 'leaky-bucket', 'fixed-window', 'sliding-log', 'sliding-counter'],
    ['requests', 'input-tokens', 'output-tokens', 'total-tokens'],
    ['200ms', '1s', '1h'],
  ),
  { maxLength: 3 },
);
const policyArb = policyChoiceArb(anyLimits);
/** Later versions may also drop the model `small` (a request may be waiting for it). */
const laterPolicyArb: fc.Arbitrary<PolicyChoice> = fc
  .tuple(policyArb, fc.boolean())
  .map(([p, withSmall]) => ({ ...p, withSmall }));

test('generated policies are valid documents', () => {
  fc.assert(
    fc.property(laterPolicyArb, (c) => {
      const v = validatePolicy(buildPolicy(c));
      assert.ok(v.ok, v.ok ? '' : v.errors.join('\n'));
    }),
    { numRuns: 60 },
  );
});

type Counts = { arrived: number; completed: number; rejected: number; failed: number; timedOut: number };

function sumByTenant(records: readonly IntervalRecord[]): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const r of records) {
    let c = out.get(r.tenant);
    if (!c) {
      c = { arrived: 0, completed: 0, rejected: 0, failed: 0, timedOut: 0 };
      out.set(r.tenant, c);
    }
    c.arrived += r.arrived;
    c.completed += r.completed;
    c.rejected += r.rejected;
    c.failed += r.failed;
    c.timedOut += r.timedOut;
  }
  return out;
}

function tally(tracks: Iterable<Track>): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const t of tracks) {
    let c = out.get(t.tenant);
    if (!c) {
      c = { arrived: 0, completed: 0, rejected: 0, failed: 0, timedOut: 0 };
      out.set(t.tenant, c);
    }
    c.arrived++;
    if (t.state === 'done' || t.state === 'cached') c.completed++;
    else if (t.state === 'rejected' || t.state === 'unserved') c.rejected++;
    else if (t.state === 'failed') c.failed++;
    else if (t.state === 'expired') c.timedOut++;
  }
  return out;
}

test('every request ends exactly once, nothing is lost, and telemetry counts exactly what happened', () => {
  fc.assert(
    fc.property(policyArb, opsArb(laterPolicyArb, 90), (policy, ops) => {
      const run = runScenario(policy, ops);
      // Decision 5: each series (tenant, model asked for, tier, arm, version) conserves, summed over instances.
      const series = new Map<string, number>();
      for (const r of run.telemetry) {
        const k = `${r.tenant}|${r.model}|${r.tier}|${r.arm}|${r.policyVersion}`;
        series.set(k, (series.get(k) ?? 0) + r.arrived - r.completed - r.rejected - r.failed - r.timedOut);
      }
      for (const [k, balance] of series) assert.equal(balance, 0, `series ${k}`);
      const counted = sumByTenant(run.telemetry);
      const expected = tally(run.tracks.values());
      for (const [tenant, c] of counted) {
        assert.equal(c.arrived, c.completed + c.rejected + c.failed + c.timedOut, `tenant ${tenant}`);
      }
      assert.deepEqual(Object.fromEntries([...counted].sort()), Object.fromEntries([...expected].sort()));
      // Tokens and cost: what the completions reported, priced at the model served.
      for (const tenant of ['acme', 'beta']) {
        const recs = run.telemetry.filter((r) => r.tenant === tenant);
        const done = [...run.tracks.values()].filter((t) => t.tenant === tenant && t.state === 'done');
        const price = (m: string) => (m === 'small' ? [1, 2] : [10, 30]);
        assert.equal(
          recs.reduce((s, r) => s + r.inputTokens, 0),
          done.reduce((s, t) => s + t.usage!.input, 0),
        );
        assert.equal(
          recs.reduce((s, r) => s + r.outputTokens, 0),
          done.reduce((s, t) => s + t.usage!.output, 0),
        );
        const cost = done.reduce((s, t) => {
          const [i, o] = price(t.ticket!.model);
          return s + (t.usage!.input * i + t.usage!.output * o) / 1e6;
        }, 0);
        const recorded = recs.reduce((s, r) => s + r.costUsd, 0);
        assert.ok(Math.abs(recorded - cost) < 1e-12, `${tenant}: cost ${recorded}, expected ${cost}`);
      }
      const e = run.engine.counters;
      const all = [...run.tracks.values()];
      const n = (s: Track['state']) => all.filter((t) => t.state === s).length;
      assert.equal(e.submitted, all.length);
      assert.equal(e.cached, n('cached'));
      assert.equal(e.completed, n('done') + n('cached'));
      assert.equal(e.failed, n('failed'));
      assert.equal(e.expired, n('expired'));
      assert.equal(e.rejected, n('rejected') + n('unserved'));
      assert.equal(
        e.dispatched,
        all.reduce((s, t) => s + t.attempts, 0),
      );
    }),
    { numRuns: runs(300) },
  );
});

test('under congestion (few limits, more submits than answers) the lifecycle and telemetry still hold', () => {
  const congested = policyChoiceArb(
    fc
      .array(
        anyLimits.map((l) => l.slice(0, 1)),
        { maxLength: 1 },
      )
      .map((x) => x.flat()),
  );
  fc.assert(
    fc.property(congested, opsArb(congested, 90, { submit: 14, complete: 5 }), (policy, ops) => {
      const run = runScenario(policy, ops);
      assert.deepEqual(
        Object.fromEntries([...sumByTenant(run.telemetry)].sort()),
        Object.fromEntries([...tally(run.tracks.values())].sort()),
      );
    }),
    { numRuns: runs(200) },
  );
});

test('at wall-clock magnitudes (a fractional epoch-ms start) the lifecycle and telemetry still hold', () => {
  fc.assert(
    fc.property(policyArb, opsArb(laterPolicyArb, 60), (policy, ops) => {
      const run = runScenario(policy, ops, { startMs: 1_764_000_000_000.123 });
      assert.deepEqual(
        Object.fromEntries([...sumByTenant(run.telemetry)].sort()),
        Object.fromEntries([...tally(run.tracks.values())].sort()),
      );
    }),
    { numRuns: runs(120) },
  );
});

test('determinism: the same policy, operations and seed give identical telemetry and events', () => {
  fc.assert(
    fc.property(
      policyArb,
      opsArb(laterPolicyArb, 60),
      fc.integer({ min: 1, max: 1000 }),
      (policy, ops, seed) => {
        const a = runScenario(policy, ops, { seed });
        const b = runScenario(policy, ops, { seed });
        assert.deepEqual(b.log, a.log);
        assert.equal(JSON.stringify(b.telemetry), JSON.stringify(a.telemetry));
      },
    ),
    { numRuns: runs(40) },
  );
});
