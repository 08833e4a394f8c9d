import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { RequestMix } from './request-mix.js';
import { type TrendingSpec, TrendingPrompts } from './trending-prompts.js';

const S = 1000;
// Three topics; a burst every 60 s from t = 10 s: 30 s rise, 30 s hold, 60 s fall (life 120 s).
const spec: TrendingSpec = {
  topics: 3,
  everyMs: 60 * S,
  riseMs: 30 * S,
  holdMs: 30 * S,
  fallMs: 60 * S,
  share: 0.5,
  offsetMs: 10 * S,
};

/** A fixed sequence of uniforms (the draws a request would make). */
function draws(...us: number[]): { next(): number } {
  let i = 0;
  return { next: () => us[i++] };
}

test('a burst rises, holds and falls linearly', () => {
  const t = new TrendingPrompts(spec);
  assert.deepEqual(
    [0, 15, 30, 59.999, 60, 90, 119.999, 120].map((a) => Math.round(t.weight(a * S) * 1e4) / 1e4),
    [0, 0.5, 1, 1, 1, 0.5, 0, 0],
  );
});

test('overlapping bursts share the trending requests by intensity; topics come back each cycle', () => {
  const t = new TrendingPrompts(spec);
  assert.equal(t.total(5 * S), 0); // before the first burst
  assert.equal(t.total(40 * S), 1); // burst 0 (topic 0) at full
  // t = 100 s: burst 1 (topic 1) at full, burst 0 half-way down: W = 1.5, trending 0.75.
  assert.equal(t.total(100 * S), 1.5);
  assert.equal(t.probability(0, 100 * S), 0.25);
  assert.equal(t.probability(1, 100 * S), 0.5);
  assert.equal(t.probability(2, 100 * S), 0);
  // Burst 3 (t = 190 s) is topic 0's second turn.
  assert.equal(t.probability(0, 220 * S), 0.5);
  assert.equal(t.probability(2, 220 * S), 0.25);
});

test('one draw picks the topic: bursts newest first in cumulative intensity, else the catalogue', () => {
  const t = new TrendingPrompts(spec);
  // At 100 s: u / 0.75 x 1.5 = 2u; topic 1 below 1, topic 0 below 1.5, catalogue from u = 0.75.
  assert.equal(t.pick(100 * S, draws(0.4)), 1);
  assert.equal(t.pick(100 * S, draws(0.6)), 0);
  assert.equal(t.pick(100 * S, draws(0.76)), -1);
  assert.equal(t.pick(5 * S, draws(0)), -1);
  // share x W above 1: every cacheable request trends, still in proportion 1 : 0.5.
  const all = new TrendingPrompts({ ...spec, share: 1 });
  assert.equal(all.pick(100 * S, draws(0.66)), 1);
  assert.equal(all.pick(100 * S, draws(0.67)), 0);
  assert.equal(all.pick(100 * S, draws(0.999)), 0);
});

test('drawn often, the picks follow the probabilities', () => {
  const t = new TrendingPrompts(spec);
  const rng = new SeededRng(7);
  const n = 100_000;
  const seen = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) seen[t.pick(100 * S, rng) + 1]++;
  // catalogue 0.25, topic 0 0.25, topic 1 0.5, topic 2 0 (3 sigma of a share of 1e5 draws < 0.005)
  assert.ok(Math.abs(seen[0] / n - 0.25) < 0.005, `catalogue ${seen[0] / n}`);
  assert.ok(Math.abs(seen[1] / n - 0.25) < 0.005, `topic 0 ${seen[1] / n}`);
  assert.ok(Math.abs(seen[2] / n - 0.5) < 0.005, `topic 1 ${seen[2] / n}`);
  assert.equal(seen[3], 0);
});

test('the request mix names trending topics by time, with a fixed size per topic', () => {
  const mix = new RequestMix(
    {
      tenants: { a: { weight: 1, keys: ['k'] } },
      models: { chat: 1 },
      input: { median: 500, sigma: 0.5 },
      output: { median: 100, sigma: 0.5 },
      prompts: {
        distinct: 1000,
        zipf: 1,
        temperatureZeroShare: 1,
        trending: { ...spec, share: 1, output: { median: 700, sigma: 0, max: 2000 } },
      },
    },
    new SeededRng(3),
  );
  // At 40 s only topic 0 is live at full intensity, and share 1: every request names it.
  const at40 = Array.from({ length: 50 }, (_, i) => mix.make(i, null, null, null, 40 * S));
  assert.deepEqual([...new Set(at40.map((r) => r.cacheKey))], ['chat|t0']);
  assert.deepEqual([...new Set(at40.map((r) => r.outputTokens))], [700]);
  assert.equal(new Set(at40.map((r) => r.inputTokens)).size, 1);
  assert.equal(at40[0].temperature, 0);
  // Before the first burst: the Zipf catalogue.
  const early = Array.from({ length: 50 }, (_, i) => mix.make(i, null, null, null, 0));
  assert.ok(early.every((r) => r.cacheKey !== undefined && /^chat\|p\d+$/.test(r.cacheKey)));
});

test('a burst must last and share must be a fraction', () => {
  assert.throws(() => new TrendingPrompts({ ...spec, riseMs: 0, holdMs: 0, fallMs: 0 }), /must last/);
  assert.throws(() => new TrendingPrompts({ ...spec, share: 1.5 }), /share/);
  assert.throws(() => new TrendingPrompts({ ...spec, topics: 0 }), /topics/);
});
