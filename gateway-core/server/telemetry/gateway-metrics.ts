/**
 * Prometheus metrics (prom-client) with `sluice_*` names matching the interval record's fields,
 * plus the backpressure signals autoscalers read (queue depth, time in queue, in flight,
 * saturation and desired replicas per backend) and the gateway's own health (Redis, telemetry).
 * One Registry per gateway, so several gateways in one process (tests) do not collide.
 *
 * saturation       = (inFlight + queueDepth) / (instances x maxConcurrencyPerInstance)
 * desired replicas = ceil((inFlight + queueDepth) / maxConcurrencyPerInstance), at least 1
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IntervalRecord } from '../../telemetry/interval-record.js';

export type RequestOutcome =
  | 'completed'
  | 'cached'
  | 'rejected'
  | 'failed'
  | 'timed_out'
  | 'client_closed'
  | 'invalid';

const LATENCY_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'sluice_requests_total',
    help: 'Requests by outcome (completed, cached, rejected, failed, timed_out, client_closed, invalid)',
    labelNames: ['outcome', 'tenant', 'model', 'arm'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'sluice_latency_ms',
    help: 'End-to-end latency of answered requests (queue + upstream), ms',
    labelNames: ['model', 'arm'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly timeInQueue = new Histogram({
    name: 'sluice_time_in_queue_ms',
    help: 'Time a request waited for an upstream slot, ms',
    labelNames: ['backend'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'sluice_queue_depth',
    help: 'Requests waiting per backend pool',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'sluice_in_flight',
    help: 'Requests in flight per backend pool',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  readonly saturation = new Gauge({
    name: 'sluice_backend_saturation',
    help: '(in flight + queued) / (instances x max concurrency per instance)',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  readonly desiredReplicas = new Gauge({
    name: 'sluice_desired_replicas',
    help: 'ceil((in flight + queued) / max concurrency per instance): a scale signal',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  readonly instances = new Gauge({
    name: 'sluice_instances',
    help: 'Instances in each backend pool',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  readonly policyVersion = new Gauge({
    name: 'sluice_policy_version',
    help: 'Control policy version in force',
    registers: [this.registry],
  });
  readonly canaryPercent = new Gauge({
    name: 'sluice_canary_percent',
    help: 'Share of traffic on the canary policy (0 when none)',
    registers: [this.registry],
  });
  readonly telemetryDropped = new Counter({
    name: 'sluice_telemetry_dropped_total',
    help: 'Interval records dropped on the way to InfluxDB',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly redisUp = new Gauge({
    name: 'sluice_redis_up',
    help: '1 while shared limit state (Redis) answers, 0 while limits run on their fail mode',
    registers: [this.registry],
  });
  readonly limitFallback = new Counter({
    name: 'sluice_limit_fallback_total',
    help: 'Limit decisions taken without Redis (source: fallback = local limiter, fail-closed = refused)',
    labelNames: ['limit', 'source'] as const,
    registers: [this.registry],
  });
  readonly cacheShared = new Counter({
    name: 'sluice_cache_shared_total',
    help: 'Shared (Redis) cache tier: lookups (hit, miss, skipped, error) and fills (stored, too_large, error)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly prewarm = new Counter({
    name: 'sluice_cache_prewarm_total',
    help: 'Cache pre-warm requests by outcome (stored, shared, cached, not_stored, rejected, failed, unknown, disabled, in_progress)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly prewarmCost = new Counter({
    name: 'sluice_cache_prewarm_cost_usd_total',
    help: "Upstream cost of cache pre-warm answers, USD (the operator's, billed to no tenant)",
    registers: [this.registry],
  });
  readonly concurrencyShared = new Counter({
    name: 'sluice_concurrency_shared_total',
    help: 'Fleet-wide concurrency decisions (admitted, refused in Redis, fallback = local only, fail-closed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly upstreamAttempts = new Counter({
    name: 'sluice_upstream_attempts_total',
    help: 'Upstream attempts by backend and result (ok, 429, 5xx, timeout, 4xx, error)',
    labelNames: ['backend', 'result'] as const,
    registers: [this.registry],
  });
  // Fields of the interval record, added when each interval closes.
  private readonly recordCounters = (
    [
      ['arrived', 'sluice_arrived_total'],
      ['completed', 'sluice_completed_total'],
      ['rejected', 'sluice_rejected_total'],
      ['failed', 'sluice_failed_total'],
      ['timedOut', 'sluice_timed_out_total'],
      ['cacheHits', 'sluice_cache_hits_total'],
      ['cacheLookups', 'sluice_cache_lookups_total'],
      ['withinSlo', 'sluice_within_slo_total'],
      ['inputTokens', 'sluice_input_tokens_total'],
      ['outputTokens', 'sluice_output_tokens_total'],
      ['costUsd', 'sluice_cost_usd_total'],
    ] as const
  ).map(
    ([field, name]) =>
      [
        field,
        new Counter({
          name,
          help: `Interval record field ${field}, summed over closed intervals`,
          labelNames: ['tenant', 'model', 'tier', 'arm'] as const,
          registers: [this.registry],
        }),
      ] as const,
  );

  // Label-set children cached by key: prom-client hashes label objects on every call otherwise.
  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly latencyChildren = new Map<string, { observe(v: number): void }>();
  private readonly attemptChildren = new Map<string, { inc(): void }>();

  constructor() {
    this.redisUp.set(1);
  }

  request(outcome: RequestOutcome, tenant: string, model: string, arm: string): void {
    const k = `${outcome}\u0000${tenant}\u0000${model}\u0000${arm}`;
    let c = this.requestChildren.get(k);
    if (c === undefined) {
      c = this.requests.labels({ outcome, tenant, model, arm });
      this.requestChildren.set(k, c);
    }
    c.inc();
  }

  observeLatency(model: string, arm: string, ms: number): void {
    const k = `${model}\u0000${arm}`;
    let c = this.latencyChildren.get(k);
    if (c === undefined) {
      c = this.latency.labels({ model, arm });
      this.latencyChildren.set(k, c);
    }
    c.observe(ms);
  }

  attempt(backend: string, result: string): void {
    const k = `${backend}\u0000${result}`;
    let c = this.attemptChildren.get(k);
    if (c === undefined) {
      c = this.upstreamAttempts.labels({ backend, result });
      this.attemptChildren.set(k, c);
    }
    c.inc();
  }

  observeRecords(records: readonly IntervalRecord[]): void {
    for (const r of records) {
      const labels = { tenant: r.tenant, model: r.model, tier: r.tier, arm: r.arm };
      for (const [field, counter] of this.recordCounters) {
        const v = r[field];
        if (v > 0) counter.inc(labels, v);
      }
    }
  }

  observePool(
    backend: string,
    snap: { queueDepth: number; inFlight: number; instances: number },
    maxPerInstance: number,
  ): void {
    const load = snap.inFlight + snap.queueDepth;
    this.queueDepth.set({ backend }, snap.queueDepth);
    this.inFlight.set({ backend }, snap.inFlight);
    this.instances.set({ backend }, snap.instances);
    this.saturation.set({ backend }, snap.instances > 0 ? load / (snap.instances * maxPerInstance) : 1);
    this.desiredReplicas.set({ backend }, Math.max(1, Math.ceil(load / maxPerInstance)));
  }
}
