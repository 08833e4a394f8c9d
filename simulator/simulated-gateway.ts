/**
 * The gateway in the simulation: the real PolicyEngine on the virtual clock, wired to the
 * backend pool models. It follows each request through the engine's lifecycle
 *
 *   submit -> rejected | cached | dispatch | queued
 *   dispatch -> pool.send(flight) -> finish -> engine.complete -> done | retry | queued | failed
 *   queued -> listener.dispatch (a slot freed) | listener.expire (deadline)
 *
 * and accounts each request once, when it leaves (RunStats). The engine's poll() is scheduled
 * at engine.nextWakeAt() so rate-limit waits, retry-afters and queue deadlines happen on time.
 */
import { costUsd } from '../gateway-core/budgets/pricing.js';
import type { PolicyEngine } from '../gateway-core/engine/policy-engine.js';
import type { Admission, EngineListener, Ticket, UpstreamOutcome } from '../gateway-core/engine/types.js';
import type { ErrorCode } from '../gateway-core/errors.js';
import { ERROR_CODES } from '../gateway-core/errors.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { Flight, type UpstreamPool } from './backends/upstream.js';
import type { CacheDemand } from './cache/cache-demand.js';
import type { CachePrewarmer } from './cache/cache-prewarmer.js';
import { type Environment, URGENT } from './kernel/environment.js';
import type { Fate, RunStats } from './run-stats.js';
import type { SimRequest } from './workloads/request-mix.js';

/** How a refusal or failure code is counted (CONTRACTS.md: rejected = 4xx by policy). */
export function fateOf(code: ErrorCode): Fate {
  const status = ERROR_CODES[code].status;
  if (status === 504) return 'timedOut';
  if (status >= 500) return 'failed';
  if (code === 'SLUICE_RATE_LIMITED' || status < 500) return 'rejected';
  return 'failed';
}

export class SimulatedGateway implements EngineListener {
  engine!: PolicyEngine;
  private pollAt = Number.POSITIVE_INFINITY;
  private readonly onPoll = () => {
    if (this.env.now() >= this.pollAt) this.pollAt = Number.POSITIVE_INFINITY;
    this.engine.poll();
    // Work the engine could not finish now (e.g. a breaker about to half-open): look again in
    // a millisecond rather than spinning at the same instant.
    this.armPoll(this.env.now() + 1);
  };
  private readonly onTimeout = (f: Flight) => {
    if (!f.settled) this.finish(f, { ok: false, kind: 'timeout' });
  };
  /** Backend timeouts by pool (ms; Infinity when none). */
  private readonly timeouts = new Map<string, number>();
  private readonly upstreamUnpriced = new Set<string>();
  /** Flights whose upstream 429/5xx answers were seen (for diagnostics). */
  upstreamErrors = 0;
  /** Per-key demand for a controller's pre-warming; null (no per-request work) unless asked for. */
  demand: CacheDemand | null = null;
  /** Answers the gateway's own pre-warm calls (flights without a ticket). */
  prewarmer: CachePrewarmer | null = null;

  constructor(
    private readonly env: Environment,
    private readonly pools: ReadonlyMap<string, UpstreamPool>,
    private readonly stats: RunStats,
    private policy: PolicyDocument,
    timeoutsMs: ReadonlyMap<string, number>,
  ) {
    for (const [k, v] of timeoutsMs) this.timeouts.set(k, v);
    for (const [name, pool] of pools) if (pool.kind !== 'api') this.upstreamUnpriced.add(name);
  }

  /** The policy whose model prices charge API tokens (follows applyPolicy). */
  setPolicy(doc: PolicyDocument): void {
    this.policy = doc;
  }

  /** A request arrives at the gateway. */
  submit(req: SimRequest): void {
    const now = this.env.now();
    this.stats.arrived(now);
    if (this.demand !== null && req.cacheKey !== undefined) this.demand.record(req.cacheKey, req);
    const a: Admission = this.engine.submit(req);
    switch (a.kind) {
      case 'rejected': {
        const id = a.identity;
        this.stats.leave(
          fateOf(a.code),
          now,
          now,
          id?.tier ?? '-',
          id?.tenant ?? req.tenantHint,
          req.model,
          null,
          0,
          0,
          0,
          false,
        );
        break;
      }
      case 'cached':
        this.stats.leave(
          'completed',
          now,
          now,
          a.identity.tier,
          a.identity.tenant,
          req.model,
          0,
          0,
          0,
          0,
          true,
        );
        break;
      case 'dispatch':
        this.send(a.ticket);
        break;
      case 'queued':
        this.stats.queued++;
        break;
    }
    this.armPoll();
  }

  /** EngineListener: a queued ticket got a slot. */
  dispatch(ticket: Ticket): void {
    this.send(ticket);
  }

  /** EngineListener: a queued ticket was dropped. */
  expire(ticket: Ticket, code: ErrorCode): void {
    const now = this.env.now();
    const t = ticket;
    this.stats.leave(
      fateOf(code),
      now,
      t.arrivedAt,
      t.identity.tier,
      t.identity.tenant,
      t.model,
      null,
      0,
      0,
      0,
      false,
    );
  }

  private send(ticket: Ticket): void {
    const now = this.env.now();
    if (ticket.attempts === 1) this.stats.waitMs += now - ticket.arrivedAt;
    const pool = this.pools.get(ticket.backend);
    const flight = new Flight(ticket, ticket.request as SimRequest, ticket.instanceId, now);
    if (pool === undefined) {
      this.env.timeout(0, (f: Flight) => this.finish(f, { ok: false, kind: '5xx' }), flight, URGENT);
      return;
    }
    const timeout = this.timeouts.get(ticket.backend) ?? Number.POSITIVE_INFINITY;
    if (timeout < Number.POSITIVE_INFINITY) this.env.timeout(timeout, this.onTimeout, flight);
    pool.send(flight);
  }

  /** A pool answers an attempt (or its timeout fires first). */
  readonly finish = (flight: Flight, outcome: UpstreamOutcome): void => {
    const t = flight.ticket;
    if (t === null) {
      this.prewarmer?.finish(flight, outcome);
      return;
    }
    if (flight.settled) return;
    flight.settled = true;
    if (!outcome.ok) this.upstreamErrors++;
    const step = this.engine.complete(t, outcome);
    const now = this.env.now();
    if (step.kind === 'done') {
      let cost = 0;
      if (outcome.ok && !this.upstreamUnpriced.has(t.backend)) {
        const m = this.policy.models[t.model];
        if (m !== undefined) cost = costUsd(outcome.inputTokens, outcome.outputTokens, m);
      }
      const ttft = flight.ttftMs === null ? null : flight.startedAt - t.arrivedAt + flight.ttftMs;
      this.stats.leave(
        'completed',
        now,
        t.arrivedAt,
        t.identity.tier,
        t.identity.tenant,
        t.model,
        ttft,
        outcome.ok ? outcome.inputTokens : 0,
        outcome.ok ? outcome.outputTokens : 0,
        cost,
        false,
      );
    } else if (step.kind === 'retry') {
      this.send(t);
    } else if (step.kind === 'failed') {
      this.stats.leave(
        fateOf(step.code) === 'rejected' ? 'failed' : fateOf(step.code),
        now,
        t.arrivedAt,
        t.identity.tier,
        t.identity.tenant,
        t.model,
        null,
        0,
        0,
        0,
        false,
      );
    }
    this.armPoll();
  };

  /** Schedules engine.poll() at the engine's next wake-up, if earlier than the one pending. */
  armPoll(notBefore = this.env.now()): void {
    let at = this.engine.nextWakeAt();
    if (at < notBefore) at = notBefore;
    if (at < this.pollAt) {
      this.pollAt = at;
      this.env.schedule(at, this.onPoll, null);
    }
  }
}
