/**
 * The live controller: a controller mode (adaptive, or any ControllerMode) run on the wall clock
 * against a gateway fleet. This is the wall-clock adapter of controller/, as server/ is of the
 * engine: the only place in controller/ with timers.
 *
 *   every ttl/3:       lock.tick()                (renew, or try to take over as a standby)
 *   every intervalMs:  if leader:
 *                        await actuator.refresh()          (gateways' policy and canary)
 *                        await telemetry.refresh(now - lookback, now)   (settled records;
 *                                                           unreadable: skip the interval)
 *                        await cacheDemand.refresh(now)    (per-key demand, when pre-warming;
 *                                                           unreadable: no new counts, go on)
 *                        mode.onInterval(now, telemetry, actuator)       (sync: sets targets)
 *                        await actuator.flush()            (admin API calls; a gateway that is
 *                                                           down is retried next interval)
 *
 * A tick never overlaps the previous one (a slow tick skips the next), and never throws: a
 * failure is logged and audited, and the next interval starts afresh from what it reads
 * (level-based). If this process dies, the gateways keep the policy they have (the server holds
 * its last good version), and a standby takes over once the lock's ttl runs out.
 */
import type { ControllerMode } from '../controller-mode.js';
import type { AuditLog } from '../rollout/audit-log.js';
import type { FlushReport, GatewayAdminActuator, GatewayProblem } from './gateway-admin-actuator.js';
import type { InfluxTelemetrySource } from './influx-telemetry-source.js';
import type { LeaderLock, LockEvent } from './leader-lock.js';

export interface LiveControllerOptions {
  /** This controller's name (audit entries and logs). */
  id: string;
  mode: ControllerMode;
  telemetry: InfluxTelemetrySource;
  actuator: GatewayAdminActuator;
  /** Null: no election, this controller always leads. */
  lock: LeaderLock | null;
  /** The gateways' per-key cache demand (GatewayCacheDemandSource), read before each interval. */
  cacheDemand?: { refresh(now: number): Promise<GatewayProblem[]> };
  intervalMs: number;
  /** Telemetry read back each interval (default 42 intervals: a canary's whole look budget). */
  lookbackMs?: number;
  audit: AuditLog;
  log?: (msg: string, fields: Record<string, unknown>) => void;
  /** Wall clock, ms since the epoch (the gateways' telemetry and version times use it). */
  now?: () => number;
}

export type TickOutcome = 'standby' | 'busy' | 'no-gateway' | 'no-telemetry' | 'ran' | 'failed';

export interface TickReport {
  outcome: TickOutcome;
  now: number;
  flush: FlushReport | null;
  error: string | null;
}

export class LiveController {
  readonly id: string;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private lockTimer: NodeJS.Timeout | null = null;
  private running: Promise<TickReport> | null = null;
  private leading = false;
  /** Ticks by outcome, since start. */
  readonly counts: Record<TickOutcome, number> = {
    standby: 0,
    busy: 0,
    'no-gateway': 0,
    'no-telemetry': 0,
    ran: 0,
    failed: 0,
  };
  lastTick: TickReport | null = null;

  constructor(private readonly o: LiveControllerOptions) {
    if (!(o.intervalMs > 0)) throw new RangeError('LiveController: intervalMs must be > 0');
    this.id = o.id;
    this.now = o.now ?? Date.now;
  }

  isLeader(): boolean {
    return this.o.lock === null || this.o.lock.isLeader();
  }

  /** Takes the lock (or stands by) and starts the timers. */
  async start(): Promise<void> {
    if (this.timer !== null) return;
    if (this.o.lock !== null) {
      await this.lockTick();
      const lock = this.o.lock;
      this.lockTimer = setInterval(() => void this.lockTick(), Math.max(50, lock.ttlMs / 3));
    }
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
  }

  /**
   * Stops the timers and waits for a tick in progress. `release: false` leaves the lock to expire
   * (what a crash does); the gateways keep whatever policy they have either way.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.lockTimer !== null) clearInterval(this.lockTimer);
    this.timer = null;
    this.lockTimer = null;
    if (this.running !== null) await this.running;
    if (this.o.lock !== null && options.release !== false) await this.o.lock.release();
    this.leading = false;
  }

  private async lockTick(): Promise<void> {
    const lock = this.o.lock;
    if (lock === null) return;
    const event: LockEvent = await lock.tick();
    const leading = lock.isLeader();
    if (leading !== this.leading) {
      this.leading = leading;
      this.o.audit.write({
        time: this.now(),
        kind: 'action',
        action: leading ? 'leader-acquired' : 'leader-lost',
        controller: this.id,
        lockKey: lock.key,
        error: lock.lastError,
      });
      this.log(leading ? 'leading' : 'standing by', { event, error: lock.lastError });
    }
  }

  /** One control interval (the timer calls it; tests may too). Never throws. */
  tick(): Promise<TickReport> {
    const now = this.now();
    if (this.running !== null) {
      this.counts.busy++;
      return Promise.resolve({ outcome: 'busy', now, flush: null, error: null });
    }
    this.running = this.runTick(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runTick(now: number): Promise<TickReport> {
    const done = (outcome: TickOutcome, flush: FlushReport | null, error: string | null): TickReport => {
      this.counts[outcome]++;
      this.lastTick = { outcome, now, flush, error };
      return this.lastTick;
    };
    if (!this.isLeader()) return done('standby', null, null);
    try {
      const [fleet, telemetry, demandProblems] = await Promise.all([
        this.o.actuator.refresh(),
        this.o.telemetry.refresh(now - (this.o.lookbackMs ?? 42 * this.o.intervalMs), now),
        this.o.cacheDemand?.refresh(now) ?? Promise.resolve([]),
      ]);
      for (const p of [
        ...this.o.actuator.lastRefreshProblems,
        ...telemetry.errors.map(toProblem),
        ...demandProblems,
      ])
        this.log('unreachable', { ...p });
      if (telemetry.errors.length > 0) {
        // Acting on part of the fleet's telemetry would bias forecasts and verdicts: skip.
        this.o.audit.write({
          time: now,
          kind: 'action',
          action: 'telemetry-unavailable',
          controller: this.id,
          problems: telemetry.errors,
        });
        return done('no-telemetry', null, null);
      }
      if (!fleet) {
        this.o.audit.write({
          time: now,
          kind: 'action',
          action: 'fleet-unreachable',
          controller: this.id,
          problems: this.o.actuator.lastRefreshProblems,
        });
        return done('no-gateway', null, null);
      }
      // Leadership may have lapsed while we waited on I/O: act only while still leading.
      if (!this.isLeader()) return done('standby', null, null);
      this.o.mode.onInterval(now, this.o.telemetry, this.o.actuator);
      const flush = await this.o.actuator.flush();
      if (flush.sent.length > 0 || flush.problems.length > 0)
        this.o.audit.write({
          time: now,
          kind: 'action',
          action: 'apply',
          controller: this.id,
          sent: flush.sent,
          problems: flush.problems,
          pending: flush.pending,
        });
      if (flush.prewarm.length > 0)
        this.o.audit.write({
          time: now,
          kind: 'action',
          action: 'prewarm-result',
          controller: this.id,
          gateways: flush.prewarm,
        });
      return done('ran', flush, null);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.log('tick failed', { error });
      this.o.audit.write({ time: now, kind: 'action', action: 'tick-failed', controller: this.id, error });
      return done('failed', null, error);
    }
  }

  private log(msg: string, fields: Record<string, unknown>): void {
    this.o.log?.(msg, { controller: this.id, ...fields });
  }
}

function toProblem(e: { database: string; error: string }): Record<string, unknown> {
  return { influxDatabase: e.database, error: e.error };
}
