/**
 * The policy document: the declarative, versioned config that the engine enforces. One TypeBox
 * schema is both the JSON Schema that validates documents (with ajv) and the TypeScript type.
 *
 * Hierarchy of settings, most general first (a later level overrides an earlier one):
 *   defaults -> tenants.T -> tenants.T.keys.K -> modelOverrides.M -> tenants.T.modelOverrides.M
 * Limits merge by `id` (default `<unit>:<by joined by +>`): a later level replaces the limit with
 * the same id and adds the others; every limit that applies must admit the request.
 */
import { type Static, Type as T } from '@sinclair/typebox';

/** A duration: a number of seconds, or a string like `500ms`, `10s`, `1m`, `2h`, `1d`. */
export const Duration = T.Union([
  T.Number({ exclusiveMinimum: 0 }),
  T.String({ pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$' }),
]);
export type Duration = Static<typeof Duration>;

const PositiveInt = T.Integer({ minimum: 1 });
const Positive = T.Number({ exclusiveMinimum: 0 });
const NonNegative = T.Number({ minimum: 0 });
const Fraction = T.Number({ minimum: 0, maximum: 1 });
const Name = T.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/-]*$', maxLength: 128 });

export const LimitAlgorithm = T.Union([
  T.Literal('token-bucket'),
  T.Literal('leaky-bucket'),
  T.Literal('fixed-window'),
  T.Literal('sliding-log'),
  T.Literal('sliding-counter'),
]);
export type LimitAlgorithm = Static<typeof LimitAlgorithm>;

export const LimitUnit = T.Union([
  T.Literal('requests'),
  T.Literal('input-tokens'),
  T.Literal('output-tokens'),
  T.Literal('total-tokens'),
]);
export type LimitUnit = Static<typeof LimitUnit>;

export const LimitKeyPart = T.Union([
  T.Literal('apiKey'),
  T.Literal('tenant'),
  T.Literal('user'),
  T.Literal('model'),
  T.Literal('ip'),
  T.Literal('global'),
]);
export type LimitKeyPart = Static<typeof LimitKeyPart>;

/**
 * One rate limit. Give exactly one of `rpm` (requests per minute), `tpm` (tokens per minute, of
 * `unit`, default total-tokens) or `limit` with `period`.
 */
export const LimitSpec = T.Object(
  {
    id: T.Optional(Name),
    algorithm: T.Optional(LimitAlgorithm),
    unit: T.Optional(LimitUnit),
    by: T.Optional(T.Array(LimitKeyPart, { minItems: 1, uniqueItems: true })),
    rpm: T.Optional(PositiveInt),
    tpm: T.Optional(PositiveInt),
    limit: T.Optional(Positive),
    period: T.Optional(Duration),
    /** Token bucket capacity (defaults to the per-period limit); leaky bucket queue size. */
    burst: T.Optional(Positive),
    /** What a request over the limit gets: an immediate 429, or a wait up to its deadline. */
    onLimit: T.Optional(T.Union([T.Literal('reject'), T.Literal('wait')])),
    /** When shared state (Redis) is unreachable: admit (open) or refuse (closed). */
    failMode: T.Optional(T.Union([T.Literal('open'), T.Literal('closed')])),
  },
  { additionalProperties: false },
);
export type LimitSpec = Static<typeof LimitSpec>;

export const BudgetSpec = T.Object(
  {
    usd: Positive,
    period: T.Union([T.Literal('hour'), T.Literal('day'), T.Literal('week'), T.Literal('month')]),
    /** Fraction of the budget at which an alert fires (default 0.8). */
    softThreshold: T.Optional(Fraction),
    /** At the hard limit: refuse, or downgrade to `downgradeTo` (a cheaper model). */
    action: T.Optional(T.Union([T.Literal('reject'), T.Literal('downgrade')])),
    downgradeTo: T.Optional(Name),
  },
  { additionalProperties: false },
);
export type BudgetSpec = Static<typeof BudgetSpec>;

/** Settings that every level of the hierarchy may set. */
const settingsFields = {
  limits: T.Optional(T.Array(LimitSpec)),
  /** Most requests in flight at once for this scope (tenant, key). */
  concurrency: T.Optional(PositiveInt),
  /**
   * When the shared state (Redis) is unreachable: `open` leaves this scope's concurrency to each
   * replica's own counter, `closed` refuses. Defaults to the gateway's setting (open).
   */
  concurrencyFailMode: T.Optional(T.Union([T.Literal('open'), T.Literal('closed')])),
  maxInputTokens: T.Optional(PositiveInt),
  maxOutputTokens: T.Optional(PositiveInt),
  maxBodyBytes: T.Optional(PositiveInt),
  /** How long a request may wait in queues before it is dropped (end-to-end deadline). */
  deadline: T.Optional(Duration),
  /** Whether responses for this scope may be cached. */
  cache: T.Optional(T.Boolean()),
  /** Models this scope may use (all when absent). */
  allowedModels: T.Optional(T.Array(Name)),
};
export const Settings = T.Object(settingsFields, { additionalProperties: false });
export type Settings = Static<typeof Settings>;

export const ApiKeySpec = T.Object(
  {
    ...settingsFields,
    /** sha256 hex of the key (`sha256:<hex>`), or the plaintext `key` (hashed on load; for development). */
    hash: T.Optional(T.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
    key: T.Optional(T.String({ minLength: 8 })),
    app: T.Optional(Name),
    user: T.Optional(Name),
    tier: T.Optional(Name),
  },
  { additionalProperties: false },
);
export type ApiKeySpec = Static<typeof ApiKeySpec>;

export const TenantSpec = T.Object(
  {
    ...settingsFields,
    tier: Name,
    /** Entitled share for fairness and weighted max-min allocation (default 1). */
    entitlement: T.Optional(Positive),
    budget: T.Optional(BudgetSpec),
    keys: T.Optional(T.Record(T.String(), ApiKeySpec)),
    modelOverrides: T.Optional(T.Record(T.String(), Settings)),
  },
  { additionalProperties: false },
);
export type TenantSpec = Static<typeof TenantSpec>;

export const TierSpec = T.Object(
  {
    /** Latency objective for this tier's p99, in milliseconds. */
    sloMs: Positive,
    /** Strict-priority class: higher is served first. */
    priority: T.Optional(T.Integer({ minimum: 0 })),
    /** Weighted-fair-queue weight. */
    weight: T.Optional(Positive),
  },
  { additionalProperties: false },
);
export type TierSpec = Static<typeof TierSpec>;

export const ModelSpec = T.Object(
  {
    /** USD per million input and output tokens. */
    inputPricePerMTok: NonNegative,
    outputPricePerMTok: NonNegative,
    /** Fallback chain of backend pools, tried in order. */
    backends: T.Array(Name, { minItems: 1 }),
    /** The model name sent upstream (defaults to the key). */
    upstreamModel: T.Optional(T.String()),
    /** A cheaper model to downgrade to when a budget or rule says so. */
    cheaper: T.Optional(Name),
  },
  { additionalProperties: false },
);
export type ModelSpec = Static<typeof ModelSpec>;

export const Balancer = T.Union([
  T.Literal('round-robin'),
  T.Literal('weighted-round-robin'),
  T.Literal('least-connections'),
  T.Literal('least-response-time'),
  T.Literal('power-of-two'),
]);
export type Balancer = Static<typeof Balancer>;

export const BreakerSpec = T.Object(
  {
    /** Error rate over the window at which the circuit opens (0..1). */
    failureRateThreshold: T.Optional(Fraction),
    /** A call slower than this counts as slow. */
    slowCallMs: T.Optional(Positive),
    slowCallRateThreshold: T.Optional(Fraction),
    /** Rolling window length. */
    window: T.Optional(Duration),
    minimumCalls: T.Optional(PositiveInt),
    /** Time open before half-open. */
    cooldown: T.Optional(Duration),
    /** Trial calls allowed while half-open. */
    halfOpenProbes: T.Optional(PositiveInt),
  },
  { additionalProperties: false },
);
export type BreakerSpec = Static<typeof BreakerSpec>;

export const QueueSpec = T.Object(
  {
    discipline: T.Union([T.Literal('fifo'), T.Literal('priority'), T.Literal('wfq')]),
    /** Which attribute names a request's class: its tier or its tenant. */
    classBy: T.Optional(T.Union([T.Literal('tier'), T.Literal('tenant')])),
    /** WFQ weights per class (tiers' `weight` when absent). */
    weights: T.Optional(T.Record(T.String(), Positive)),
    maxDepth: T.Optional(PositiveInt),
  },
  { additionalProperties: false },
);
export type QueueSpec = Static<typeof QueueSpec>;

export const InstanceSpec = T.Object(
  {
    id: Name,
    url: T.Optional(T.String()),
    weight: T.Optional(Positive),
  },
  { additionalProperties: false },
);
export type InstanceSpec = Static<typeof InstanceSpec>;

export const BackendSpec = T.Object(
  {
    instances: T.Array(InstanceSpec, { minItems: 1 }),
    balancer: T.Optional(Balancer),
    /** Most requests in flight per instance; further requests wait in `queue`. */
    maxConcurrencyPerInstance: T.Optional(PositiveInt),
    queue: T.Optional(QueueSpec),
    breaker: T.Optional(BreakerSpec),
    outlierEjection: T.Optional(
      T.Object(
        {
          consecutiveErrors: PositiveInt,
          ejection: Duration,
          maxEjectedPercent: T.Optional(T.Number({ minimum: 0, maximum: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    timeout: T.Optional(Duration),
    /**
     * The provider's published quota for this pool (requests and tokens per minute, as on the
     * provider's dashboard or its x-ratelimit-limit-* headers). The gateway does not enforce it
     * (the provider does, with 429s); the controller plans a pool's headroom on it.
     */
    quota: T.Optional(
      T.Object(
        { rpm: T.Optional(PositiveInt), tpm: T.Optional(PositiveInt) },
        { additionalProperties: false },
      ),
    ),
    /** Upstream API key sent to this backend (or `env:NAME` to read it from the environment). */
    apiKey: T.Optional(T.String()),
  },
  { additionalProperties: false },
);
export type BackendSpec = Static<typeof BackendSpec>;

export const RoutingRule = T.Object(
  {
    when: T.Object(
      {
        tier: T.Optional(T.Array(Name, { minItems: 1 })),
        tenant: T.Optional(T.Array(Name, { minItems: 1 })),
        model: T.Optional(T.Array(Name, { minItems: 1 })),
        task: T.Optional(T.Array(T.String(), { minItems: 1 })),
        promptTokensAbove: T.Optional(NonNegative),
        promptTokensAtMost: T.Optional(NonNegative),
        budget: T.Optional(T.Union([T.Literal('ok'), T.Literal('soft'), T.Literal('exhausted')])),
      },
      { additionalProperties: false },
    ),
    /** Serve with this model instead (a tier change). */
    model: T.Optional(Name),
    /** Try these backend pools in order instead of the model's chain. */
    backends: T.Optional(T.Array(Name, { minItems: 1 })),
    /**
     * The fraction of matching requests this rule applies to (default 1), picked by a stable
     * hash of the request id; the rest go on to the next rules. Moves traffic between models
     * step by step (a migration, or the controller's cost-aware share of a cheaper model).
     */
    share: T.Optional(Fraction),
  },
  { additionalProperties: false },
);
export type RoutingRule = Static<typeof RoutingRule>;

export const RoutingSpec = T.Object(
  {
    rules: T.Optional(T.Array(RoutingRule)),
    /** Upstream outcomes that move a request to the next backend in its chain. */
    fallbackOn: T.Optional(
      T.Array(
        T.Union([T.Literal('429'), T.Literal('5xx'), T.Literal('timeout'), T.Literal('open-circuit')]),
        {
          uniqueItems: true,
        },
      ),
    ),
    /** Most upstream attempts per request, first try included. */
    maxAttempts: T.Optional(PositiveInt),
  },
  { additionalProperties: false },
);
export type RoutingSpec = Static<typeof RoutingSpec>;

export const CacheSpec = T.Object(
  {
    enabled: T.Boolean(),
    ttl: T.Optional(Duration),
    maxBytes: T.Optional(PositiveInt),
    eviction: T.Optional(T.Union([T.Literal('lru'), T.Literal('lfu')])),
    /** Cache responses to requests with temperature > 0 too. */
    allowTemperature: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);
export type CacheSpec = Static<typeof CacheSpec>;

export const PolicyDocument = T.Object(
  {
    /** Schema version of the document format. */
    apiVersion: T.Literal('sluice/v1'),
    description: T.Optional(T.String()),
    tiers: T.Record(T.String(), TierSpec),
    models: T.Record(T.String(), ModelSpec),
    backends: T.Record(T.String(), BackendSpec),
    defaults: T.Optional(Settings),
    tenants: T.Record(T.String(), TenantSpec),
    modelOverrides: T.Optional(T.Record(T.String(), Settings)),
    routing: T.Optional(RoutingSpec),
    cache: T.Optional(CacheSpec),
    telemetry: T.Optional(
      T.Object(
        { interval: T.Optional(Duration), histogramAlpha: T.Optional(Positive) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PolicyDocument = Static<typeof PolicyDocument>;
