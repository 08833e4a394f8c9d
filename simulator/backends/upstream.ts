/**
 * What the simulator's backend models share: a `Flight` (one upstream attempt of one ticket) and
 * the `UpstreamPool` interface every pool model implements (self-hosted LLM instances, a
 * commercial API, a plain service station for queueing validation).
 *
 * A pool answers each flight exactly once through `finish(flight, outcome)`; the runner turns
 * that into `engine.complete(...)`. A flight can also be settled from outside first (the
 * backend's timeout): the pool's own later answer is then ignored.
 */
import type { Ticket, UpstreamOutcome } from '../../gateway-core/engine/types.js';
import type { SimRequest } from '../workloads/request-mix.js';

export class Flight {
  settled = false;
  /** Time to first token of this attempt, measured from dispatch (ms), when the model has one. */
  ttftMs: number | null = null;
  constructor(
    /** The client request's ticket; null for the gateway's own call (a cache pre-warm). */
    readonly ticket: Ticket | null,
    readonly request: SimRequest,
    readonly instanceId: string,
    readonly startedAt: number,
  ) {}
}

/**
 * A pool's answer. The outcome is valid for the duration of the call only: pools reuse one
 * success object (see SuccessOutcome), so a callee that wants it later must copy it.
 */
export type FinishFn = (flight: Flight, outcome: UpstreamOutcome) => void;

/**
 * One success outcome per pool, refilled for each answer. Why: a fresh object per answer was
 * ~56 B of garbage per request, and nothing keeps it: the gateway reads it within finish()
 * (engine.complete and its own accounting), and pools never answer from inside finish()
 * (every answer is an event), so one answer is over before the next is filled.
 */
export class SuccessOutcome {
  private readonly o: {
    ok: true;
    inputTokens: number;
    outputTokens: number;
    cacheValue: number | undefined;
  } = { ok: true, inputTokens: 0, outputTokens: 0, cacheValue: undefined };

  /** The outcome of serving `r` in full (cacheable when it has a cache key). */
  of(r: SimRequest): UpstreamOutcome {
    const o = this.o;
    o.inputTokens = r.inputTokens;
    o.outputTokens = r.outputTokens;
    o.cacheValue = r.cacheKey ? 1 : undefined;
    return o;
  }
}

/** The answer of a failed call (5xx page or refused connection); shared, never changed. */
export const FAILED_5XX: UpstreamOutcome = Object.freeze({ ok: false, kind: '5xx' as const });

/** A fault's effect on a pool or one of its instances, switched on and off by the fault schedule. */
export type FaultEffect =
  | { kind: 'slowdown'; factor: number }
  | { kind: 'errors'; rate: number }
  | { kind: 'crash' }
  | { kind: 'outage' };

export interface UpstreamPool {
  readonly name: string;
  readonly kind: 'llm' | 'api' | 'station';
  /** Starts an attempt on `flight.instanceId`. */
  send(flight: Flight): void;
  /** Switches a fault on (`on`) or off, for one instance or (instance null) the whole pool. */
  fault(effect: FaultEffect, instance: string | null, on: boolean): void;
  /** Instance-hours provisioned up to `now` (0 for pools without instances of their own). */
  instanceHours(now: number): number;
  /** Hardware cost (instance-hours x price) up to `now`, USD. */
  hardwareCostUsd(now: number): number;
  /** Instances provisioned now (null where not meaningful). */
  provisioned(): number | null;
}

/** A fault that makes attempts fail fast: the latency of a refused connection or a 5xx page. */
export const FAST_FAILURE_MS = 5;
