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

/**
 * What a ticket holds before admission charges anything. Most requests meet no rate limit or
 * concurrency cap, so a ticket starts with these shared (frozen) empty lists and gets its own
 * array only on its first charge or slot: two fewer allocations per request on the hot path.
 */
const NO_CHARGES: readonly Charge[] = Object.freeze([]);
const NO_SLOTS: readonly ConcurrencyLimiter[] = Object.freeze([]);

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
  charges: readonly Charge[] = NO_CHARGES;
  /** Concurrency slots held from admission to completion. */
  slots: readonly ConcurrencyLimiter[] = NO_SLOTS;
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

  addCharge(c: Charge): void {
    if (this.charges === NO_CHARGES) this.charges = [c];
    else (this.charges as Charge[]).push(c);
  }

  addSlot(s: ConcurrencyLimiter): void {
    if (this.slots === NO_SLOTS) this.slots = [s];
    else (this.slots as ConcurrencyLimiter[]).push(s);
  }

  /** Forgets the charges (after a refund or a reconciliation). */
  clearCharges(): void {
    if (this.charges.length > 0) this.charges = NO_CHARGES;
  }

  /** Forgets the slots (after releasing them). */
  clearSlots(): void {
    if (this.slots.length > 0) this.slots = NO_SLOTS;
  }

  get policyVersion(): number {
    return this.policy.version;
  }
}
