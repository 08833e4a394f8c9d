/**
 * Per-key demand and pre-warming through a whole (tiny, deterministic) run: one cacheable
 * prompt asked every 5 s (t = 5, 10, 15, 20 s), control intervals at 10 s and 20 s (which run
 * before an arrival at the same instant), a backend that answers in exactly 500 ms or 2 s.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation, type SimulationContext } from '../run-simulation.js';
import type { RunSummary } from '../run-summary.js';
import { scenarioFromObject } from '../scenario/scenario-loader.js';
import { CacheDemand, type CacheDemandOptions } from './cache-demand.js';

const KEY = 'chat|p1';

function scenario(backend: 'api' | 'llm', ttl: string) {
  return scenarioFromObject(
    {
      name: 'one-key',
      duration: '24s',
      policy: {
        apiVersion: 'sluice/v1',
        tiers: { standard: { sloMs: 10_000 } },
        models: { chat: { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['b'] } },
        backends: { b: { instances: [{ id: 'b-1' }], maxConcurrencyPerInstance: 4 } },
        cache: { enabled: true, ttl },
        tenants: { acme: { tier: 'standard', keys: { web: { key: 'sk-acme-prewarm-0001' } } } },
      },
      workload: {
        arrivals: { process: 'deterministic', rate: 0.2 },
        tenants: { acme: { weight: 1 } },
        models: { chat: 1 },
        tokens: { input: { median: 1000, sigma: 0 }, output: { median: 200, sigma: 0 } },
        prompts: { distinct: 1, zipf: 1, temperatureZeroShare: 1 },
      },
      backends: {
        b:
          backend === 'api'
            ? { kind: 'api', base: '500ms', perOutputTokenMs: 0, sigma: 0 }
            : {
                kind: 'llm',
                prefillMsPerToken: 0,
                decodeMsPerToken: 10,
                batchSlowdown: 0,
                maxSequences: 1,
                pricePerHour: 0,
                coldStart: '1s',
              },
      },
    },
    'one-key.yaml',
  );
}

interface Seen {
  at: number;
  counts: Record<string, number>;
  cached: string[];
}

async function run(
  backend: 'api' | 'llm',
  ttl: string,
  prewarm: readonly string[] | null,
  demandOptions: CacheDemandOptions = {},
): Promise<{ summary: RunSummary; seen: Seen[] }> {
  const demand = new CacheDemand(demandOptions);
  const seen: Seen[] = [];
  const summary = await runSimulation(scenario(backend, ttl), {
    seed: 1,
    controlIntervalMs: 10_000,
    cacheDemand: demand,
    onInterval: (env, _engine, ctx: SimulationContext) => {
      const now = env.now();
      seen.push({
        at: now,
        counts: Object.fromEntries(demand.counts(now - 10_000, now)),
        cached: [...demand.cached()],
      });
      if (now === 10_000 && prewarm !== null) ctx.prewarm?.(prewarm);
    },
  });
  return { summary, seen };
}

test('counts per closed interval; cached() is what stays fresh through the next window', async () => {
  // The entry made at 5.5 s expires at 17.5 s: at 10 s it will not last the default lookahead
  // (1.5 intervals, to 25 s), but does last 5 s.
  const { seen } = await run('api', '12s', null);
  assert.deepEqual(seen, [
    { at: 10_000, counts: { [KEY]: 1 }, cached: [] },
    { at: 20_000, counts: { [KEY]: 2 }, cached: [] },
  ]);
  const short = await run('api', '12s', null, { lookaheadMs: 5000 });
  assert.deepEqual(
    short.seen.map((s) => s.cached),
    [[KEY], []],
  );
  // Keys asked for fewer than reportAtLeast times in the window are not reported.
  const heavy = await run('api', '12s', null, { reportAtLeast: 2 });
  assert.deepEqual(
    heavy.seen.map((s) => s.counts),
    [{}, { [KEY]: 2 }],
  );
});

test('a pre-warm at 10 s turns the miss at 20 s into a hit, and is charged like a call', async () => {
  const without = await run('api', '12s', null);
  const withPw = await run('api', '12s', [KEY]);
  // Without: miss at 5 s (entry to 17.5 s), hits at 10 and 15 s, miss at 20 s.
  assert.equal(without.summary.cacheHitRatio, 0.5);
  assert.equal(without.summary.prewarm?.calls, 0);
  // With: the pre-warm answers at 10.5 s (entry to 22.5 s): 20 s hits.
  assert.equal(withPw.summary.cacheHitRatio, 0.75);
  assert.deepEqual(withPw.summary.prewarm, {
    requested: 1,
    calls: 1,
    completed: 1,
    failed: 0,
    skipped: 0,
    stored: 1,
    inputTokens: 1000,
    outputTokens: 200,
    costUsd: 0.0014, // 1000 x $1/M + 200 x $2/M
  });
  // Clients: 4 requests either way; one upstream call instead of two, plus the pre-warm's.
  assert.equal(withPw.summary.requests, 4);
  assert.equal(withPw.summary.completed, 4);
  assert.deepEqual(withPw.summary.tokens, { input: 1000, output: 200 });
  assert.deepEqual(without.summary.tokens, { input: 2000, output: 400 });
  assert.equal(without.summary.costUsd, 0.0028);
  assert.equal(withPw.summary.costUsd, 0.0028); // 0.0014 of clients + 0.0014 of pre-warm
  // Latencies 500, 0, 0, 500 ms become 500, 0, 0, 0.
  assert.equal(without.summary.latencyMs.mean, 250);
  assert.equal(withPw.summary.latencyMs.mean, 125);
});

test('keys with no remembered request, or already being warmed, are skipped', async () => {
  const { summary } = await run('api', '12s', [KEY, KEY, 'chat|p999']);
  assert.deepEqual(
    summary.prewarm && {
      requested: summary.prewarm.requested,
      calls: summary.prewarm.calls,
      skipped: summary.prewarm.skipped,
    },
    { requested: 3, calls: 1, skipped: 2 },
  );
});

test('a pre-warm occupies backend capacity: a client waits behind it on a one-sequence GPU', async () => {
  // TTL 1 s: every client misses and takes 2 s (200 tokens x 10 ms). The pre-warm started at
  // 10 s holds the only sequence until 12 s, so the client of 10 s finishes at 14 s.
  const without = await run('llm', '1s', null);
  const withPw = await run('llm', '1s', [KEY]);
  assert.equal(without.summary.latencyMs.mean, 2000);
  assert.equal(withPw.summary.latencyMs.mean, 2500);
  assert.equal(withPw.summary.prewarm?.completed, 1);
  assert.equal(withPw.summary.prewarm?.costUsd, 0); // self-hosted: instance time, already billed
  assert.equal(withPw.summary.cacheHitRatio, 0);
});
