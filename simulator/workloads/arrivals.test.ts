import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { type ArrivalProcess, PoissonArrivals } from './arrival-process.js';
import { diurnalArrivals, diurnalRate } from './diurnal-arrivals.js';
import { flashSaleArrivals, flashSaleRate } from './flash-sale-arrivals.js';
import { MmppArrivals } from './mmpp-arrivals.js';
import { RequestMix } from './request-mix.js';
import { ZipfPopularity } from './zipf-popularity.js';

function countIn(p: ArrivalProcess, from: number, to: number, start = 0): number {
  let n = 0;
  for (let t = p.next(start); t < to; t = p.next(t)) if (t >= from) n++;
  return n;
}

test('Poisson: count over 1000 s is within 3 sd of rate x time, and the same for a seed', () => {
  const n = countIn(new PoissonArrivals(50, new SeededRng(1)), 0, 1_000_000);
  assert.ok(Math.abs(n - 50_000) < 3 * Math.sqrt(50_000), `${n}`);
  assert.equal(countIn(new PoissonArrivals(50, new SeededRng(1)), 0, 1_000_000), n);
});

test('diurnal: the peak hour carries (1 + a) / (1 - a) times the trough hour', () => {
  const spec = { mean: 20, amplitude: 0.5, periodMs: 86_400_000, peakAtMs: 43_200_000 };
  assert.equal(diurnalRate(spec)(43_200_000), 30);
  assert.equal(diurnalRate(spec)(0), 10);
  const p = diurnalArrivals(spec, new SeededRng(2));
  const peak = countIn(p, 42_300_000, 44_100_000);
  const p2 = diurnalArrivals(spec, new SeededRng(3));
  const trough =
    countIn(p2, 0, 900_000) + countIn(diurnalArrivals(spec, new SeededRng(4)), 85_500_000, 86_400_000);
  // expected about 29.9*1800 = 53.8k and 10.1*1800 = 18.2k
  assert.ok(Math.abs(peak / trough - 2.95) < 0.1, `${peak} / ${trough}`);
});

test('flash sale: rate ramps, plateaus and decays (known values), arrivals follow', () => {
  const spike = { atMs: 100_000, rampMs: 100_000, plateauMs: 100_000, decayMs: 100_000, peak: 5 };
  const rate = flashSaleRate(10, [spike]);
  assert.deepEqual([0, 150_000, 250_000, 350_000, 500_000].map(rate), [10, 30, 50, 30, 10]);
  const p = flashSaleArrivals(10, [spike], new SeededRng(5));
  const before = countIn(p, 0, 100_000);
  const plateau = countIn(flashSaleArrivals(10, [spike], new SeededRng(6)), 200_000, 300_000);
  assert.ok(Math.abs(before - 1000) < 100 && Math.abs(plateau - 5000) < 220, `${before} ${plateau}`);
});

test('MMPP: long-run rate is the dwell-weighted mean of the state rates', () => {
  const p = new MmppArrivals(
    [
      { rate: 10, meanDwellMs: 30_000 },
      { rate: 100, meanDwellMs: 10_000 },
    ],
    new SeededRng(7),
  );
  const n = countIn(p, 0, 4_000_000);
  // (10 * 30 + 100 * 10) / 40 = 32.5 req/s
  assert.ok(Math.abs(n / 4000 - 32.5) < 1.5, `${n / 4000}`);
});

test('Zipf: probabilities follow k^-s and samples match them', () => {
  const z = new ZipfPopularity(100, 1);
  assert.ok(Math.abs(z.probability(1) / z.probability(2) - 2) < 1e-12);
  const rng = new SeededRng(8);
  let ones = 0;
  for (let i = 0; i < 100_000; i++) if (z.sample(rng) === 1) ones++;
  assert.ok(Math.abs(ones / 100_000 - z.probability(1)) < 0.005);
});

test('request mix: tenants by weight, temperature-0 prompts repeat with the same size', () => {
  const mix = new RequestMix(
    {
      tenants: { a: { weight: 3, keys: ['ka'] }, b: { weight: 1, keys: ['kb'] } },
      models: { m: 1 },
      input: { median: 500, sigma: 1 },
      output: { median: 100, sigma: 0.5 },
      prompts: { distinct: 50, zipf: 1.2, temperatureZeroShare: 0.5 },
    },
    new SeededRng(9),
  );
  const sizes = new Map<string, number>();
  let a = 0;
  let cacheable = 0;
  for (let i = 0; i < 20_000; i++) {
    const r = mix.make(`r${i}`);
    if (r.tenantHint === 'a') a++;
    assert.equal(r.apiKey, r.tenantHint === 'a' ? 'ka' : 'kb');
    if (r.cacheKey !== undefined) {
      cacheable++;
      assert.equal(r.temperature, 0);
      const seen = sizes.get(r.cacheKey);
      if (seen !== undefined) assert.equal(r.inputTokens, seen);
      sizes.set(r.cacheKey, r.inputTokens);
    }
  }
  assert.ok(Math.abs(a / 20_000 - 0.75) < 0.015);
  assert.ok(Math.abs(cacheable / 20_000 - 0.5) < 0.015);
  assert.ok(sizes.size <= 50);
  const fromTrace = mix.make('t', { input: 7, output: 9 }, 'b');
  assert.deepEqual([fromTrace.inputTokens, fromTrace.outputTokens, fromTrace.tenantHint], [7, 9, 'b']);
});
