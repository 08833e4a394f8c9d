/**
 * The policy Sluice runs in the gateway-peers bench: realistic, with every stage of the request
 * path doing work: key auth (sha256-hashed key), a token-bucket request limit and a token limit
 * per key (set high, so they are evaluated but do not refuse the bench's load), a weighted fair
 * queue, least-response-time balancing, telemetry interval records on (10 s), breaker on.
 */
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';

/** The key gateway-peers.sh sends to every target (`Authorization: Bearer sk-bench`). */
export const BENCH_KEY = 'sk-bench';
export const BENCH_MODEL = 'gpt-4o-mini';

export function benchPolicy(upstreamUrl: string): PolicyDocument {
  return {
    apiVersion: 'sluice/v1',
    description: 'gateway-peers bench: key auth, token bucket, WFQ, least-response-time, telemetry',
    tiers: { premium: { sloMs: 1000, weight: 3, priority: 1 }, standard: { sloMs: 2000, weight: 1 } },
    models: {
      [BENCH_MODEL]: { inputPricePerMTok: 0.15, outputPricePerMTok: 0.6, backends: ['mock'] },
    },
    backends: {
      mock: {
        instances: [{ id: 'mock-1', url: upstreamUrl }],
        balancer: 'least-response-time',
        maxConcurrencyPerInstance: 256,
        queue: { discipline: 'wfq', classBy: 'tier', maxDepth: 10_000 },
        breaker: { failureRateThreshold: 0.5, minimumCalls: 50, window: '10s', cooldown: '5s' },
        timeout: '30s',
      },
    },
    defaults: { deadline: '30s', maxOutputTokens: 512 },
    tenants: {
      bench: {
        tier: 'standard',
        limits: [
          { id: 'bench-rpm', algorithm: 'token-bucket', rpm: 6_000_000 },
          { id: 'bench-tpm', algorithm: 'token-bucket', tpm: 2_000_000_000 },
        ],
        keys: { 'bench-key': { key: BENCH_KEY } },
      },
      other: { tier: 'premium', keys: { 'other-key': { key: 'sk-bench-other-0001' } } },
    },
    routing: { fallbackOn: ['5xx', 'timeout'], maxAttempts: 2 },
    telemetry: { interval: '10s' },
  };
}
