/**
 * A circuit breaker per backend (closed -> open -> half-open -> closed), as in resilience4j:
 *
 *   closed:    every call's outcome goes into a rolling window (RollingWindow). After a call, if
 *              calls >= minimumCalls and (failures / calls >= failureRateThreshold or
 *              slow / calls >= slowCallRateThreshold), the circuit opens at that moment.
 *              A success slower than slowCallMs (strictly) is slow.
 *   open:      every call is refused until openedAt + cooldownMs, when it becomes half-open
 *              (at exactly that time, whenever it is next looked at).
 *   half-open: `allow` grants halfOpenProbes trial calls. When all of them have succeeded (and
 *              none was slow) it closes with an empty window; a failed or slow probe reopens it.
 *
 * Outcomes that arrive while open (calls admitted before it opened) are ignored; half-open, any
 * outcome counts as a probe's, since a late answer is evidence about the backend too. `onIgnore`
 * hands back a probe slot that was granted but never used (e.g. the request expired in a queue),
 * so a breaker cannot wedge half-open.
 */
import { RollingWindow } from './rolling-window.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerConfig {
  /** Failure rate in (0, 1] at which the circuit opens. */
  failureRateThreshold: number;
  /** A successful call slower than this (ms) counts as slow. */
  slowCallMs: number;
  /** Slow-call rate in (0, 1] at which the circuit opens. */
  slowCallRateThreshold: number;
  /** Rolling window length (ms) and the number of buckets it is split into. */
  windowMs: number;
  buckets: number;
  /** Calls in the window before the rates are judged at all. */
  minimumCalls: number;
  /** Time open before half-open (ms). */
  cooldownMs: number;
  /** Trial calls allowed while half-open. */
  halfOpenProbes: number;
}

export const DEFAULT_BREAKER_CONFIG: Readonly<CircuitBreakerConfig> = Object.freeze({
  failureRateThreshold: 0.5,
  slowCallMs: Number.POSITIVE_INFINITY,
  slowCallRateThreshold: 1,
  windowMs: 60_000,
  buckets: 10,
  minimumCalls: 20,
  cooldownMs: 30_000,
  halfOpenProbes: 3,
});

export interface BreakerTransition {
  at: number;
  from: BreakerState;
  to: BreakerState;
  reason: 'failure-rate' | 'slow-call-rate' | 'cooldown-elapsed' | 'probe-failed' | 'probes-succeeded';
}

/** Most recent transitions kept (counters keep the totals). */
const LOG_LIMIT = 64;

function checkConfig(c: CircuitBreakerConfig): CircuitBreakerConfig {
  const fraction = (v: number) => v > 0 && v <= 1;
  const bad: string[] = [];
  if (!fraction(c.failureRateThreshold)) bad.push(`failureRateThreshold ${c.failureRateThreshold}`);
  if (!fraction(c.slowCallRateThreshold)) bad.push(`slowCallRateThreshold ${c.slowCallRateThreshold}`);
  if (!(c.slowCallMs > 0)) bad.push(`slowCallMs ${c.slowCallMs}`);
  if (!Number.isInteger(c.minimumCalls) || c.minimumCalls < 1) bad.push(`minimumCalls ${c.minimumCalls}`);
  if (!(c.cooldownMs >= 0) || !Number.isFinite(c.cooldownMs)) bad.push(`cooldownMs ${c.cooldownMs}`);
  if (!Number.isInteger(c.halfOpenProbes) || c.halfOpenProbes < 1)
    bad.push(`halfOpenProbes ${c.halfOpenProbes}`);
  if (bad.length > 0) throw new RangeError(`CircuitBreaker: bad config: ${bad.join(', ')}`);
  return c;
}

export class CircuitBreaker {
  private cfg: Readonly<CircuitBreakerConfig>;
  private window: RollingWindow;
  private current: BreakerState = 'closed';
  private openedAt = 0;
  private probesGranted = 0;
  private probesSucceeded = 0;
  private readonly log: BreakerTransition[] = [];
  /** How many times the circuit has opened, and calls refused because it was open or probing. */
  openCount = 0;
  refusedCalls = 0;

  constructor(config: Partial<CircuitBreakerConfig> = {}) {
    this.cfg = Object.freeze(checkConfig({ ...DEFAULT_BREAKER_CONFIG, ...config }));
    this.window = new RollingWindow(this.cfg.windowMs, this.cfg.buckets);
  }

  get config(): Readonly<CircuitBreakerConfig> {
    return this.cfg;
  }

  /**
   * New thresholds from a policy reload, keeping the state: an open circuit stays open (its
   * cooldown now the new one) and a closed one keeps its window of calls unless the window's
   * length or buckets changed, when it starts a new one (the old counts cover another span).
   */
  reconfigure(config: Partial<CircuitBreakerConfig>): void {
    const next = Object.freeze(checkConfig({ ...DEFAULT_BREAKER_CONFIG, ...config }));
    if (next.windowMs !== this.cfg.windowMs || next.buckets !== this.cfg.buckets)
      this.window = new RollingWindow(next.windowMs, next.buckets);
    this.cfg = next;
  }

  /** The state at `now` (an open circuit whose cooldown has passed is half-open). */
  state(now: number): BreakerState {
    if (this.current === 'open' && now >= this.openedAt + this.config.cooldownMs) {
      this.move('half-open', this.openedAt + this.config.cooldownMs, 'cooldown-elapsed');
      this.probesGranted = 0;
      this.probesSucceeded = 0;
    }
    return this.current;
  }

  /** May a call go through now? Half-open, a true answer uses up one probe slot. */
  allow(now: number): boolean {
    const s = this.state(now);
    if (s === 'closed') return true;
    if (s === 'half-open' && this.probesGranted < this.config.halfOpenProbes) {
      this.probesGranted++;
      return true;
    }
    this.refusedCalls++;
    return false;
  }

  /**
   * Whether `allow` would say yes now, without using a probe slot: for a balancer's eligibility
   * check, so that a half-open instance whose probes are all out is skipped rather than picked.
   */
  wouldAllow(now: number): boolean {
    const s = this.state(now);
    return s === 'closed' || (s === 'half-open' && this.probesGranted < this.config.halfOpenProbes);
  }

  onSuccess(latencyMs: number, now: number): void {
    const s = this.state(now);
    const slow = latencyMs > this.config.slowCallMs;
    if (s === 'closed') {
      this.window.record(now, false, slow);
      this.judge(now);
    } else if (s === 'half-open') {
      if (slow) {
        this.trip(now, 'probe-failed');
      } else if (++this.probesSucceeded >= this.config.halfOpenProbes) {
        this.window.reset();
        this.move('closed', now, 'probes-succeeded');
      }
    }
  }

  onFailure(now: number): void {
    const s = this.state(now);
    if (s === 'closed') {
      this.window.record(now, true, false);
      this.judge(now);
    } else if (s === 'half-open') {
      this.trip(now, 'probe-failed');
    }
  }

  /** A call that `allow` admitted was never made: give its probe slot back. */
  onIgnore(now: number): void {
    if (this.state(now) === 'half-open' && this.probesGranted > this.probesSucceeded) this.probesGranted--;
  }

  /** Calls, failures and slow calls in the window at `now`. */
  windowCounts(now: number): { calls: number; failures: number; slow: number } {
    this.window.advance(now);
    return {
      calls: this.window.totalCalls,
      failures: this.window.totalFailures,
      slow: this.window.totalSlow,
    };
  }

  /** The most recent transitions, oldest first. */
  get transitions(): readonly BreakerTransition[] {
    return this.log;
  }

  private judge(now: number): void {
    const w = this.window;
    if (w.totalCalls < this.config.minimumCalls) return;
    if (w.totalFailures / w.totalCalls >= this.config.failureRateThreshold) this.trip(now, 'failure-rate');
    else if (w.totalSlow / w.totalCalls >= this.config.slowCallRateThreshold)
      this.trip(now, 'slow-call-rate');
  }

  private trip(now: number, reason: BreakerTransition['reason']): void {
    this.openedAt = now;
    this.openCount++;
    this.move('open', now, reason);
  }

  private move(to: BreakerState, at: number, reason: BreakerTransition['reason']): void {
    if (this.log.length >= LOG_LIMIT) this.log.shift();
    this.log.push({ at, from: this.current, to, reason });
    this.current = to;
  }
}
