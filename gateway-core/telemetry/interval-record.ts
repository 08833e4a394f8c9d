/**
 * The telemetry interval record of CONTRACTS.md: one per interval (default 10 s) per
 * (tenant, model, instance, tier, arm, policyVersion). The simulator and the gateway emit the
 * same type, so the controller cannot tell which it is steering.
 */
import type { LatencyHistogram } from '../histogram.js';

export type Arm = 'control' | 'canary';
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface IntervalTags {
  tenant: string;
  model: string;
  /** Backend instance id, or '-' for requests that never reached one (rejected, cached). */
  instance: string;
  tier: string;
  arm: Arm;
  policyVersion: number;
}

export interface IntervalRecord extends IntervalTags {
  /** Interval start (ms on the engine's clock) and length. */
  start: number;
  intervalMs: number;
  arrived: number;
  completed: number;
  rejected: number;
  failed: number;
  timedOut: number;
  cacheHits: number;
  cacheLookups: number;
  /** Completed requests that met their tier's SLO. */
  withinSlo: number;
  latencyMs: {
    p50: number | null;
    p90: number | null;
    p99: number | null;
    mean: number | null;
    max: number | null;
  };
  /** The interval's latency histogram (mergeable), serialised. */
  latencyHistogram: ReturnType<LatencyHistogram['toJSON']>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  queueDepthMax: number;
  queueDepthMean: number;
  inFlight: number;
  /** Instances provisioned in the instance's pool (null where not meaningful). */
  instances: number | null;
  breakerState: BreakerState | null;
}
