/**
 * Policy documents for the end-to-end tests: one model served by one or two backend pools on
 * mock upstreams, two tenants (premium and free) with one key each; tests override what they need.
 */
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';

export const KEYS = { acme: 'sk-acme-0001', beta: 'sk-beta-0001' } as const;
export const ADMIN_TOKEN = 'admin-secret-token';

export function testPolicy(primaryUrl: string, secondaryUrl?: string): PolicyDocument {
  const backends: PolicyDocument['backends'] = {
    primary: {
      instances: [{ id: 'p1', url: primaryUrl }],
      balancer: 'least-response-time',
      maxConcurrencyPerInstance: 32,
      queue: { discipline: 'wfq', maxDepth: 1000 },
      timeout: '5s',
    },
  };
  if (secondaryUrl !== undefined) {
    backends.secondary = {
      instances: [{ id: 's1', url: secondaryUrl }],
      maxConcurrencyPerInstance: 32,
      timeout: '5s',
    };
  }
  return {
    apiVersion: 'sluice/v1',
    tiers: {
      premium: { sloMs: 2000, weight: 3, priority: 1 },
      free: { sloMs: 5000, weight: 1, priority: 0 },
    },
    models: {
      'gpt-test': {
        inputPricePerMTok: 1,
        outputPricePerMTok: 2,
        backends: secondaryUrl !== undefined ? ['primary', 'secondary'] : ['primary'],
        upstreamModel: 'mock-model',
      },
    },
    backends,
    defaults: { deadline: '10s', maxOutputTokens: 100 },
    tenants: {
      acme: { tier: 'premium', keys: { a1: { key: KEYS.acme } } },
      beta: { tier: 'free', keys: { b1: { key: KEYS.beta } } },
    },
    routing: { fallbackOn: ['429', '5xx', 'timeout', 'open-circuit'], maxAttempts: 3 },
  };
}

export function chatBody(
  content = 'hello there, gateway',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { model: 'gpt-test', messages: [{ role: 'user', content }], ...extra };
}
