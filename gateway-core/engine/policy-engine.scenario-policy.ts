/**
 * Random policies for the engine's model-based tests (policy-engine.scenario.ts): two tenants
 * (acme premium with two keys, beta free with one) and an unknown key; models `big` (a chain of
 * two pools, `cheaper: small`) and `small`; two backend pools; and choices for every knob the
 * engine enforces: limits of each algorithm and unit (reject or wait), tenant concurrency, a
 * budget (reject or downgrade), queues (fifo, priority, wfq; small depths), breakers, outlier
 * ejection, balancers, routing rules, fallback triggers, attempts, deadlines and the cache.
 */
import fc from 'fast-check';
import type {
  BackendSpec,
  LimitAlgorithm,
  LimitSpec,
  LimitUnit,
  PolicyDocument,
  TenantSpec,
} from '../policy/schema.js';

export const KEYS = ['key-acme-0001', 'key-acme-0002', 'key-beta-0001', 'key-unknown-01'] as const;
export const TENANT_OF_KEY = ['acme', 'acme', 'beta', '-'] as const;
export const BACKENDS = ['primary', 'secondary'] as const;

export interface LimitChoice {
  algorithm: LimitAlgorithm;
  unit: LimitUnit;
  by: 'apiKey' | 'tenant' | 'global';
  amount: number;
  period: '200ms' | '1s' | '1h';
  burst: number | undefined;
  onLimit: 'reject' | 'wait';
  /** Where the limit is set. */
  scope: 'defaults' | 'acme' | 'beta';
}

export interface BackendChoice {
  instances: number;
  maxConcurrency: number;
  balancer: NonNullable<BackendSpec['balancer']>;
  queue: { discipline: 'fifo' | 'priority' | 'wfq'; classBy: 'tier' | 'tenant'; maxDepth: number } | null;
  breaker: { minimumCalls: number; cooldownMs: number; halfOpenProbes: number } | null;
  ejection: { consecutiveErrors: number; ejectionMs: number; maxEjectedPercent: number } | null;
}

export interface PolicyChoice {
  limits: LimitChoice[];
  acmeConcurrency: number | null;
  betaConcurrency: number | null;
  budget: { usd: number; action: 'reject' | 'downgrade' } | null;
  bigChain: string[];
  rule: 'none' | 'free-to-secondary' | 'soft-to-small';
  backends: [BackendChoice, BackendChoice];
  deadlineMs: number;
  cache: boolean;
  fallbackOn: ('429' | '5xx' | 'timeout' | 'open-circuit')[];
  maxAttempts: number;
  /** Whether the model `small` exists (a later version may drop it). */
  withSmall: boolean;
}

const TOKEN_AMOUNT: Record<LimitUnit, [number, number]> = {
  requests: [1, 6],
  'input-tokens': [40, 400],
  'output-tokens': [40, 400],
  'total-tokens': [80, 600],
};

export function limitArb(
  algorithms: readonly LimitAlgorithm[],
  units: readonly LimitUnit[],
  periods: readonly LimitChoice['period'][],
  bys: readonly LimitChoice['by'][] = ['apiKey', 'tenant', 'global'],
): fc.Arbitrary<LimitChoice> {
  return fc
    .record({
      algorithm: fc.constantFrom(...algorithms),
      unit: fc.constantFrom(...units),
      by: fc.constantFrom(...bys),
      period: fc.constantFrom(...periods),
      scale: fc.double({ min: 0, max: 1, noNaN: true }),
      burstScale: fc.option(fc.double({ min: 0.5, max: 2, noNaN: true }), { nil: undefined }),
      onLimit: fc.constantFrom('reject' as const, 'wait' as const),
      scope: fc.constantFrom('defaults' as const, 'acme' as const, 'beta' as const),
    })
    .map((r) => {
      const [lo, hi] = TOKEN_AMOUNT[r.unit];
      const amount = Math.round(lo + r.scale * (hi - lo));
      return {
        algorithm: r.algorithm,
        unit: r.unit,
        by: r.by,
        period: r.period,
        amount,
        burst: r.burstScale === undefined ? undefined : Math.max(1, Math.round(amount * r.burstScale)),
        onLimit: r.onLimit,
        scope: r.scope,
      };
    });
}

const backendArb: fc.Arbitrary<BackendChoice> = fc.record({
  instances: fc.integer({ min: 1, max: 3 }),
  maxConcurrency: fc.integer({ min: 1, max: 3 }),
  balancer: fc.constantFrom(
    'round-robin' as const,
    'weighted-round-robin' as const,
    'least-connections' as const,
    'least-response-time' as const,
    'power-of-two' as const,
  ),
  queue: fc.option(
    fc.record({
      discipline: fc.constantFrom('fifo' as const, 'priority' as const, 'wfq' as const),
      classBy: fc.constantFrom('tier' as const, 'tenant' as const),
      maxDepth: fc.integer({ min: 1, max: 4 }),
    }),
    { nil: null },
  ),
  breaker: fc.option(
    fc.record({
      minimumCalls: fc.integer({ min: 2, max: 4 }),
      cooldownMs: fc.integer({ min: 50, max: 800 }),
      halfOpenProbes: fc.integer({ min: 1, max: 2 }),
    }),
    { nil: null },
  ),
  ejection: fc.option(
    fc.record({
      consecutiveErrors: fc.integer({ min: 1, max: 3 }),
      ejectionMs: fc.integer({ min: 50, max: 800 }),
      maxEjectedPercent: fc.constantFrom(0, 50, 100),
    }),
    { nil: null },
  ),
});

export function policyChoiceArb(limits: fc.Arbitrary<LimitChoice[]>): fc.Arbitrary<PolicyChoice> {
  return fc.record({
    limits,
    acmeConcurrency: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    betaConcurrency: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    budget: fc.option(
      fc.record({
        usd: fc.constantFrom(0.002, 0.005, 0.02),
        action: fc.constantFrom('reject' as const, 'downgrade' as const),
      }),
      { nil: null },
    ),
    bigChain: fc.constantFrom(['primary', 'secondary'], ['primary'], ['secondary', 'primary']),
    rule: fc.constantFrom('none' as const, 'free-to-secondary' as const, 'soft-to-small' as const),
    backends: fc.tuple(backendArb, backendArb),
    deadlineMs: fc.integer({ min: 100, max: 2000 }),
    cache: fc.boolean(),
    fallbackOn: fc.subarray(['429', '5xx', 'timeout', 'open-circuit'] as const),
    maxAttempts: fc.integer({ min: 1, max: 3 }),
    withSmall: fc.constant(true),
  });
}

function limitSpec(l: LimitChoice, i: number): LimitSpec {
  const spec: LimitSpec = {
    id: `l${i}`,
    algorithm: l.algorithm,
    unit: l.unit,
    by: [l.by],
    limit: l.amount,
    period: l.period,
    onLimit: l.onLimit,
  };
  // The schema allows burst only where it means something.
  if (l.burst !== undefined && (l.algorithm === 'token-bucket' || l.algorithm === 'leaky-bucket'))
    spec.burst = l.burst;
  return spec;
}

function backendSpec(name: string, b: BackendChoice): BackendSpec {
  const spec: BackendSpec = {
    instances: Array.from({ length: b.instances }, (_, i) => ({ id: `${name}-${i}` })),
    balancer: b.balancer,
    maxConcurrencyPerInstance: b.maxConcurrency,
  };
  if (b.queue) spec.queue = { ...b.queue };
  if (b.breaker)
    spec.breaker = {
      failureRateThreshold: 0.5,
      minimumCalls: b.breaker.minimumCalls,
      window: '2s',
      cooldown: `${b.breaker.cooldownMs}ms`,
      halfOpenProbes: b.breaker.halfOpenProbes,
    };
  if (b.ejection)
    spec.outlierEjection = {
      consecutiveErrors: b.ejection.consecutiveErrors,
      ejection: `${b.ejection.ejectionMs}ms`,
      maxEjectedPercent: b.ejection.maxEjectedPercent,
    };
  return spec;
}

/** The policy document a choice describes. */
export function buildPolicy(c: PolicyChoice): PolicyDocument {
  const acme: TenantSpec = {
    tier: 'premium',
    keys: { a1: { key: KEYS[0] }, a2: { key: KEYS[1] } },
  };
  const beta: TenantSpec = { tier: 'free', keys: { b1: { key: KEYS[2] } } };
  if (c.acmeConcurrency !== null) acme.concurrency = c.acmeConcurrency;
  if (c.betaConcurrency !== null) beta.concurrency = c.betaConcurrency;
  if (c.budget !== null) acme.budget = { usd: c.budget.usd, period: 'hour', action: c.budget.action };
  const defaults: NonNullable<PolicyDocument['defaults']> = {
    deadline: `${c.deadlineMs}ms`,
    maxOutputTokens: 64,
    maxInputTokens: 100,
    cache: c.cache,
  };
  const scoped: Record<LimitChoice['scope'], LimitSpec[]> = { defaults: [], acme: [], beta: [] };
  for (let i = 0; i < c.limits.length; i++) scoped[c.limits[i].scope].push(limitSpec(c.limits[i], i));
  if (scoped.defaults.length) defaults.limits = scoped.defaults;
  if (scoped.acme.length) acme.limits = scoped.acme;
  if (scoped.beta.length) beta.limits = scoped.beta;
  const doc: PolicyDocument = {
    apiVersion: 'sluice/v1',
    tiers: {
      free: { sloMs: 500, weight: 1, priority: 0 },
      premium: { sloMs: 300, weight: 3, priority: 1 },
    },
    models: {
      big: { inputPricePerMTok: 10, outputPricePerMTok: 30, backends: [...c.bigChain] },
    },
    backends: {
      primary: backendSpec('primary', c.backends[0]),
      secondary: backendSpec('secondary', c.backends[1]),
    },
    defaults,
    tenants: { acme, beta },
    routing: { fallbackOn: [...c.fallbackOn], maxAttempts: c.maxAttempts },
    cache: { enabled: c.cache, ttl: '5s' },
  };
  if (c.withSmall) {
    doc.models.big.cheaper = 'small';
    doc.models.small = { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['secondary'] };
  }
  if (c.rule === 'free-to-secondary')
    doc.routing!.rules = [{ when: { tier: ['free'], model: ['big'] }, backends: ['secondary'] }];
  else if (c.rule === 'soft-to-small' && c.withSmall)
    doc.routing!.rules = [{ when: { budget: 'soft' }, model: 'small' }];
  return doc;
}
