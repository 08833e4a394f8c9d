/**
 * A spending budget in USD per calendar period (UTC hour, day, ISO week or month), as a tenant's
 * policy sets it.
 *
 *   spent resets to 0 at each period boundary (periodStart/periodEnd in budget-period.ts)
 *   state = 'exhausted' if spent >= limitUsd, 'soft' if spent >= softThreshold * limitUsd, else 'ok'
 *   remaining = max(0, limitUsd - spent)
 *
 * Each threshold alerts at most once per period, when a spend() crosses it: takeAlerts() hands
 * the alerts over (and forgets them), and softAlerts / exhaustedAlerts count them all.
 * The period's bounds are cached, so the calendar (a Date) is consulted only at a rollover.
 */
import { SluiceError } from '../errors.js';
import { type BudgetPeriod, periodEnd, periodStart } from './budget-period.js';

export type BudgetState = 'ok' | 'soft' | 'exhausted';

export interface BudgetTrackerConfig {
  usd: number;
  period: BudgetPeriod;
  /** Fraction of the budget at which the soft alert fires (default 0.8). */
  softThreshold?: number;
}

export interface BudgetAlert {
  readonly kind: 'soft' | 'exhausted';
  /** When the spend that crossed the threshold happened. */
  readonly at: number;
  readonly periodStart: number;
  readonly spentUsd: number;
  readonly limitUsd: number;
}

/** Pending alerts kept when nobody takes them; older ones are dropped (the counters still count). */
const MAX_PENDING_ALERTS = 256;

export class BudgetTracker {
  readonly period: BudgetPeriod;
  private usd: number;
  private readonly soft: number;
  private start = Number.NEGATIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private spentUsd = 0;
  private softFired = false;
  private exhaustedFired = false;
  private pending: BudgetAlert[] = [];
  private softCount = 0;
  private exhaustedCount = 0;

  constructor(config: BudgetTrackerConfig) {
    checkUsd(config.usd);
    const soft = config.softThreshold ?? 0.8;
    if (!(soft >= 0 && soft <= 1))
      throw new SluiceError('SLUICE_CONFIG_INVALID', `budget: softThreshold must be in [0, 1], got ${soft}`);
    this.period = config.period;
    this.usd = config.usd;
    this.soft = soft;
  }

  get limitUsd(): number {
    return this.usd;
  }

  get softThreshold(): number {
    return this.soft;
  }

  /** Soft alerts fired so far, in all periods. */
  get softAlerts(): number {
    return this.softCount;
  }

  /** Exhausted alerts fired so far, in all periods. */
  get exhaustedAlerts(): number {
    return this.exhaustedCount;
  }

  /** Changes the budget (a retune), keeping this period's spend and the alerts already fired. */
  setLimit(usd: number): void {
    checkUsd(usd);
    this.usd = usd;
  }

  /** Records a charge (a negative one is a refund; spend never drops below 0). Returns the state after. */
  spend(usd: number, now: number): BudgetState {
    if (!Number.isFinite(usd)) throw new RangeError(`BudgetTracker.spend: usd must be finite, got ${usd}`);
    this.roll(now);
    this.spentUsd += usd;
    if (this.spentUsd < 0) this.spentUsd = 0;
    if (!this.softFired && this.spentUsd >= this.soft * this.usd) {
      this.softFired = true;
      this.softCount++;
      this.alert('soft', now);
    }
    if (!this.exhaustedFired && this.spentUsd >= this.usd) {
      this.exhaustedFired = true;
      this.exhaustedCount++;
      this.alert('exhausted', now);
    }
    return this.classify();
  }

  state(now: number): BudgetState {
    this.roll(now);
    return this.classify();
  }

  remaining(now: number): number {
    this.roll(now);
    return this.spentUsd < this.usd ? this.usd - this.spentUsd : 0;
  }

  spent(now: number): number {
    this.roll(now);
    return this.spentUsd;
  }

  /** When the current period ends and the budget refills (for Retry-After on an exhausted budget). */
  resetsAt(now: number): number {
    this.roll(now);
    return this.end;
  }

  /** The alerts fired since the last call, oldest first. */
  takeAlerts(): BudgetAlert[] {
    const alerts = this.pending;
    this.pending = [];
    return alerts;
  }

  private classify(): BudgetState {
    if (this.spentUsd >= this.usd) return 'exhausted';
    if (this.spentUsd >= this.soft * this.usd) return 'soft';
    return 'ok';
  }

  private roll(now: number): void {
    // Only forward: a stale `now` is counted in the current period.
    if (now < this.end) return;
    this.start = periodStart(this.period, now);
    this.end = periodEnd(this.period, this.start);
    this.spentUsd = 0;
    this.softFired = false;
    this.exhaustedFired = false;
  }

  private alert(kind: BudgetAlert['kind'], at: number): void {
    if (this.pending.length >= MAX_PENDING_ALERTS) this.pending.shift();
    this.pending.push({ kind, at, periodStart: this.start, spentUsd: this.spentUsd, limitUsd: this.usd });
  }
}

function checkUsd(usd: number): void {
  if (!(usd > 0) || !Number.isFinite(usd))
    throw new SluiceError('SLUICE_CONFIG_INVALID', `budget: usd must be a finite number > 0, got ${usd}`);
}
