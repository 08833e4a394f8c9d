import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ticket, UpstreamOutcome } from '../../gateway-core/engine/types.js';
import { SeededRng } from '../../gateway-core/rng.js';
import { Environment } from '../kernel/environment.js';
import type { SimRequest } from '../workloads/request-mix.js';
import { ApiBackend } from './api-backend.js';
import { FaultSchedule } from './fault-schedule.js';
import { LlmPool } from './llm-pool.js';
import { Flight, type UpstreamPool } from './upstream.js';

function flight(env: Environment, instance = 'i', output = 10): Flight {
  const req = {
    id: 'x',
    apiKey: 'k',
    model: 'm',
    inputTokens: 100,
    maxOutputTokens: 0,
    outputTokens: output,
    tenantHint: 't',
  } as SimRequest;
  return new Flight({} as Ticket, req, instance, env.now());
}

test('API backend: the provider rate limit answers 429 with the time until a token refills', () => {
  const env = new Environment();
  const got: Array<[number, UpstreamOutcome]> = [];
  const api = new ApiBackend(
    'p',
    { baseMs: 100, perOutputTokenMs: 0, sigma: 0, rpm: 60, burst: 2 },
    env,
    new SeededRng(1),
    (_f, o) => got.push([env.now(), o]),
  );
  for (let i = 0; i < 3; i++) api.send(flight(env));
  env.run();
  assert.deepEqual(got[0], [5, { ok: false, kind: '429', retryAfterMs: 1000 }]);
  assert.deepEqual(
    got.slice(1).map(([t, o]) => [t, o.ok]),
    [
      [100, true],
      [100, true],
    ],
  );
  assert.equal(api.throttled, 1);
});

test('API backend: latency = base + per-token time (sigma 0), ttft = base', () => {
  const env = new Environment();
  const api = new ApiBackend(
    'p',
    { baseMs: 200, perOutputTokenMs: 10, sigma: 0 },
    env,
    new SeededRng(1),
    () => {},
  );
  const f = flight(env, 'i', 30);
  api.send(f);
  env.run();
  assert.equal(env.now(), 500);
  assert.equal(f.ttftMs, 200);
});

test('faults: an outage fails in-flight and new attempts, is logged with start and end', () => {
  const env = new Environment();
  const outcomes: Array<[number, boolean]> = [];
  const pool = new LlmPool(
    'gpu',
    {
      prefillMsPerToken: 0,
      decodeMsPerToken: 10,
      batchSlowdown: 0,
      maxSequences: 8,
      pricePerHour: 1,
      coldStartMs: 0,
    },
    env,
    new SeededRng(1),
    (_f, o) => outcomes.push([env.now(), o.ok]),
  );
  pool.addReady('gpu-1');
  const faults = new FaultSchedule(env, new Map<string, UpstreamPool>([['gpu', pool]]));
  faults.add(
    [
      { kind: 'outage', pool: 'gpu', atMs: 50, durationMs: 100 },
      { kind: 'slowdown', pool: 'gpu', atMs: 500, durationMs: 10_000, factor: 3 },
      { kind: 'errors', pool: 'gpu', atMs: 99_999, durationMs: 1, rate: 1 },
    ],
    1000,
  );
  pool.send(flight(env, 'gpu-1', 10)); // would finish at 100
  env.schedule(60, () => pool.send(flight(env, 'gpu-1', 1)), null); // during the outage
  env.schedule(200, () => pool.send(flight(env, 'gpu-1', 1)), null); // after: 10 ms
  env.schedule(600, () => pool.send(flight(env, 'gpu-1', 1)), null); // slowed: 30 ms
  env.run();
  assert.deepEqual(outcomes, [
    [50, false],
    [65, false],
    [210, true],
    [630, true],
  ]);
  assert.deepEqual(faults.log, [
    { kind: 'outage', pool: 'gpu', instance: null, startS: 0.05, endS: 0.15, factor: null, rate: null },
    { kind: 'slowdown', pool: 'gpu', instance: null, startS: 0.5, endS: 1, factor: 3, rate: null },
  ]);
  assert.throws(
    () => faults.add([{ kind: 'crash', pool: 'gpu', atMs: 0, durationMs: 1 }], 1000),
    /needs an instance/,
  );
});
