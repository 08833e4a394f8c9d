/**
 * The engine's own view of a ticket: the public Ticket plus what admission charged, so that
 * completion can reconcile tokens, free concurrency and record telemetry without lookups.
 */
import type { ConcurrencyLimiter } from '../limits/concurrency-limiter.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { LimitUnit } from '../policy/schema.js';
import type { Arm } from '../telemetry/interval-record.js';
import type { SeriesGroup } from '../telemetry/telemetry-recorder.js';
import type { AdmissionPlan } from './admission-plan.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { GatewayRequest, Identity, Ticket } from './types.js';

export interface Charge {
  readonly limiter: RateLimiter;
  readonly unit: LimitUnit;
  readonly amount: number;
  /** When the units were taken (window limiters refund into that window only). */
  readonly at: number;
}

export class EngineTicket implements Ticket {
  model: string;
  chain: readonly string[] = [];
  chainIndex = 0;
  backend = '';
  instanceId = '';
  instanceUrl: string | undefined = undefined;
  attempts = 0;
  dispatchedAt = Number.NaN;
  state: Ticket['state'] = 'queued';
  /** Rate limits charged at admission (refunded or reconciled later). */
  charges: Charge[] = [];
  /** Concurrency slots held from admission to completion. */
  slots: ConcurrencyLimiter[] = [];
  /** When waiting for a rate limit: the time to try again; position in the wake heap. */
  wakeAt = Number.POSITIVE_INFINITY;
  wakePos = -1;
  /** Whether admission (limits, budget) is done: a woken ticket resumes after it. */
  admitted = false;
  /** Telemetry: the series group of this request, and the instance serving it ('-' when none). */
  readonly series: SeriesGroup;
  instanceTag = '-';

  constructor(
    readonly request: GatewayRequest,
    readonly identity: Identity,
    readonly arm: Arm,
    /** The version that admitted the ticket: it routes, retries and prices it to the end. */
    readonly policy: CompiledPolicy,
    readonly plan: AdmissionPlan,
    readonly arrivedAt: number,
    readonly deadline: number,
    readonly reservedOutputTokens: number,
    series: SeriesGroup,
  ) {
    this.model = request.model;
    this.series = series;
  }

  get policyVersion(): number {
    return this.policy.version;
  }
}
