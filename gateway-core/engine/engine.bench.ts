/**
 * Throughput of the whole request path in memory: submit (identify, validate, admit against a
 * token bucket and a token limit, route, schedule on a least-response-time pool with WFQ) then
 * complete (reconcile, cost, budget, stats, telemetry). One decision = one submit + complete.
 */
import { ManualClock } from '../clock.js';
import type { PolicyDocument } from '../policy/schema.js';
import { SeededRng } from '../rng.js';
import { PolicyEngine } from './policy-engine.js';
import type { GatewayRequest } from './types.js';

export function benchPolicy(): PolicyDocument {
  const keys: Record<string, { key: string }> = {};
  for (let i = 0; i < 100; i++) keys[`k${i}`] = { key: `bench-key-${i.toString().padStart(4, '0')}` };
  return {
    apiVersion: 'sluice/v1',
    tiers: { standard: { sloMs: 2000, weight: 1 }, premium: { sloMs: 1000, weight: 3 } },
    models: { m: { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['pool'] } },
    backends: {
      pool: {
        instances: [{ id: 'i1' }, { id: 'i2' }, { id: 'i3' }, { id: 'i4' }],
        balancer: 'least-response-time',
        maxConcurrencyPerInstance: 1_000_000,
        queue: { discipline: 'wfq' },
        breaker: { failureRateThreshold: 0.5, minimumCalls: 20 },
      },
    },
    defaults: { limits: [{ rpm: 1_000_000_000 }, { tpm: 1_000_000_000_000 }] },
    tenants: { t: { tier: 'premium', keys, budget: { usd: 1e12, period: 'month' } } },
  };
}

export function benchEngine(decisions = 1_000_000): { name: string; opsPerSec: number } {
  const clock = new ManualClock(0);
  const engine = new PolicyEngine({
    policy: benchPolicy(),
    clock,
    rng: new SeededRng(7),
    listener: { dispatch: () => {}, expire: () => {} },
  });
  const requests: GatewayRequest[] = [];
  for (let i = 0; i < 1000; i++) {
    requests.push({
      id: `r${i}`,
      apiKey: `bench-key-${(i % 100).toString().padStart(4, '0')}`,
      model: 'm',
      inputTokens: 200 + (i % 50),
      maxOutputTokens: 100,
    });
  }
  const outcome = { ok: true as const, inputTokens: 210, outputTokens: 80 };
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(0.001);
      const a = engine.submit(requests[i % 1000]);
      if (a.kind === 'dispatch') engine.complete(a.ticket, outcome);
    }
    engine.drainTelemetry();
  };
  run(50_000); // warm-up: JIT and plan caches
  // CPU time, not wall time: on a shared machine it is the figure that says what one core does.
  const before = process.cpuUsage();
  run(decisions);
  const used = process.cpuUsage(before);
  const seconds = (used.user + used.system) / 1e6;
  return {
    name: 'engine: submit+complete (full request path), per CPU-second',
    opsPerSec: Math.round(decisions / seconds),
  };
}
