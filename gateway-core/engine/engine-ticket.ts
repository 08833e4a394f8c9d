/**
 * The engine's own view of a ticket: the public Ticket plus what admission charged, so that
 * completion can reconcile tokens, free concurrency and record telemetry without lookups.
 */
import type { ConcurrencyLimiter } from '../limits/concurrency-limiter.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { LimitUnit } from '../policy/schema.js';
import type { Arm, IntervalTags } from '../telemetry/interval-record.js';
import { seriesKey } from '../telemetry/telemetry-recorder.js';
import type { AdmissionPlan } from './admission-plan.js';
import type { GatewayRequest, Identity, Ticket } from './types.js';

export interface Charge {
  readonly limiter: RateLimiter;
  readonly unit: LimitUnit;
  readonly amount: number;
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
  /** Telemetry series of this request (instance filled in at dispatch). */
  readonly tags: IntervalTags;
  /** seriesKey(tags), kept in step with tags.instance. */
  seriesKey: string;

  constructor(
    readonly request: GatewayRequest,
    readonly identity: Identity,
    readonly arm: Arm,
    readonly policyVersion: number,
    readonly plan: AdmissionPlan,
    readonly arrivedAt: number,
    readonly deadline: number,
    readonly reservedOutputTokens: number,
  ) {
    this.model = request.model;
    this.tags = {
      tenant: identity.tenant,
      model: request.model,
      instance: '-',
      tier: identity.tier,
      arm,
      policyVersion,
    };
    this.seriesKey = seriesKey(this.tags);
  }

  /** The instance serving this ticket now ('-' between attempts), for telemetry. */
  setInstanceTag(instance: string): void {
    if (this.tags.instance === instance) return;
    this.tags.instance = instance;
    this.seriesKey = seriesKey(this.tags);
  }
}
