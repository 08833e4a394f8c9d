/**
 * The runtime state of one backend pool: its instances (with in-flight counts, latency EWMA,
 * a circuit breaker and an outlier ejector each), its load balancer and its wait queue.
 * Pools are physical: they are shared by every policy version in flight (control and canary).
 *
 * assign(ticket): pick an instance that is healthy and has a free slot, or report why not:
 *   'assigned'  ticket.instanceId set, slot taken
 *   'busy'      healthy instances exist but all slots are taken (the caller queues)
 *   'unhealthy' every instance is open-circuited, ejected or draining (the caller falls back)
 */
import { CircuitBreaker, type CircuitBreakerConfig } from '../breakers/circuit-breaker.js';
import type { OutlierEjectionConfig } from '../breakers/outlier-ejector.js';
import { PoolEjection } from '../breakers/pool-ejection.js';
import type { Balancer, BackendSpec } from '../policy/schema.js';
import { parseDurationMs } from '../policy/duration.js';
import type { InstrumentedQueue } from '../queues/deadline-queue.js';
import { createRequestQueue, type QueueOptions } from '../queues/queue-factory.js';
import { createLoadBalancer } from '../routing/balancer-factory.js';
import { InstanceStats } from '../routing/instance-stats.js';
import type { LoadBalancer } from '../routing/load-balancer.js';
import type { Rng } from '../rng.js';
import type { BreakerState } from '../telemetry/interval-record.js';
import type { Ticket } from './types.js';

export interface PoolInstance {
  readonly id: string;
  readonly url: string | undefined;
  readonly stats: InstanceStats;
  /** Replaced or removed only by a policy reload (BackendPool.retune). */
  breaker: CircuitBreaker | null;
  /** Set on scale-down: takes no new requests, leaves once idle. */
  draining: boolean;
  /** Whether telemetry knows which pool this instance belongs to (told once, on first use). */
  mapped: boolean;
}

/** Queue settings of a pool: the discipline's options and which attribute names a class. */
export interface PoolQueueOptions extends QueueOptions {
  classBy: 'tier' | 'tenant';
}

export type AssignResult = 'assigned' | 'busy' | 'unhealthy';

export interface InstanceInput {
  id: string;
  url?: string;
  weight?: number;
}

const DEFAULT_MAX_CONCURRENCY = 64;
export const DEFAULT_QUEUE_DEPTH = 10_000;

function ejectionConfig(spec: BackendSpec): Partial<OutlierEjectionConfig> | null {
  const e = spec.outlierEjection;
  if (!e) return null;
  return {
    consecutiveErrors: e.consecutiveErrors,
    baseEjectionMs: parseDurationMs(e.ejection),
    maxEjectedPercent: e.maxEjectedPercent ?? 50,
  };
}

function breakerConfig(spec: BackendSpec): CircuitBreakerConfig | null {
  const b = spec.breaker;
  if (!b) return null;
  return {
    failureRateThreshold: b.failureRateThreshold ?? 0.5,
    slowCallMs: b.slowCallMs ?? Number.POSITIVE_INFINITY,
    slowCallRateThreshold: b.slowCallRateThreshold ?? 1,
    windowMs: b.window !== undefined ? parseDurationMs(b.window) : 10_000,
    buckets: 10,
    minimumCalls: b.minimumCalls ?? 10,
    cooldownMs: b.cooldown !== undefined ? parseDurationMs(b.cooldown) : 5_000,
    halfOpenProbes: b.halfOpenProbes ?? 3,
  };
}

export class BackendPool {
  instances: PoolInstance[] = [];
  /** The instances' stats in the same order, handed to the balancer without a per-request copy. */
  private views: InstanceStats[] = [];
  readonly classBy: 'tier' | 'tenant';
  readonly queue: InstrumentedQueue<Ticket>;
  private balancer: LoadBalancer;
  private balancerName: Balancer;
  private maxPerInstance: number;
  private breakerCfg: CircuitBreakerConfig | null;
  private timeoutMs: number | null;
  private poolEjection: PoolEjection | null;
  private inFlightTotal = 0;
  private readonly eligible: (i: number) => boolean;
  private nowForEligible = 0;

  constructor(
    readonly name: string,
    readonly spec: BackendSpec,
    queueSpec: PoolQueueOptions,
    private readonly rng: Rng,
  ) {
    this.balancerName = spec.balancer ?? 'round-robin';
    this.balancer = createLoadBalancer(this.balancerName);
    this.maxPerInstance = spec.maxConcurrencyPerInstance ?? DEFAULT_MAX_CONCURRENCY;
    this.queue = createRequestQueue<Ticket>(queueSpec);
    this.classBy = queueSpec.classBy;
    this.breakerCfg = breakerConfig(spec);
    this.timeoutMs = spec.timeout !== undefined ? parseDurationMs(spec.timeout) : null;
    const e = ejectionConfig(spec);
    this.poolEjection = e ? new PoolEjection(e) : null;
    this.setInstances(spec.instances);
    // One closure for the pool's lifetime, so pick() allocates nothing per request.
    this.eligible = (i: number) => this.isEligible(this.instances[i], this.nowForEligible);
  }

  get inFlight(): number {
    return this.inFlightTotal;
  }

  /** Outlier ejection across the pool (null when the policy sets none). */
  get ejection(): PoolEjection | null {
    return this.poolEjection;
  }

  get maxConcurrency(): number {
    return this.maxPerInstance;
  }

  /** A new policy's per-instance limit and queue depth (work above a lowered limit finishes). */
  retune(spec: BackendSpec): void {
    this.maxPerInstance = spec.maxConcurrencyPerInstance ?? DEFAULT_MAX_CONCURRENCY;
    this.queue.setMaxDepth(spec.queue?.maxDepth ?? DEFAULT_QUEUE_DEPTH);
    this.timeoutMs = spec.timeout !== undefined ? parseDurationMs(spec.timeout) : null;
    const balancer = spec.balancer ?? 'round-robin';
    if (balancer !== this.balancerName) {
      // What a balancer keeps (a rotation, latency averages) belongs to its own algorithm.
      this.balancerName = balancer;
      this.balancer = createLoadBalancer(balancer);
    }
    const breaker = breakerConfig(spec);
    if (JSON.stringify(breaker) !== JSON.stringify(this.breakerCfg)) {
      // Breakers keep their state (an open circuit stays open) under new thresholds; a policy
      // that drops the breaker drops it, one that adds it starts closed.
      this.breakerCfg = breaker;
      for (const inst of this.instances) {
        if (breaker === null) inst.breaker = null;
        else if (inst.breaker) inst.breaker.reconfigure(breaker);
        else inst.breaker = new CircuitBreaker(breaker);
      }
    }
    const ejection = ejectionConfig(spec);
    if (ejection === null) this.poolEjection = null;
    else if (this.poolEjection === null)
      this.poolEjection = new PoolEjection(
        ejection,
        this.instances.map((i) => i.id),
      );
    else this.poolEjection.reconfigure(ejection);
  }

  get upstreamTimeoutMs(): number | null {
    return this.timeoutMs;
  }

  /** Instances taking traffic (not draining). */
  get activeCount(): number {
    let n = 0;
    for (const inst of this.instances) if (!inst.draining) n++;
    return n;
  }

  /** New ids join; ids no longer listed drain (leave when idle); listed draining ids come back. */
  setInstances(list: readonly InstanceInput[]): void {
    const wanted = new Map(list.map((i) => [i.id, i]));
    const next: PoolInstance[] = [];
    for (const inst of this.instances) {
      if (wanted.has(inst.id)) {
        inst.draining = false;
        wanted.delete(inst.id);
        next.push(inst);
      } else if (inst.stats.inFlight > 0) {
        inst.draining = true;
        next.push(inst);
      } else {
        // Gone now: it must not count in the ejection cap's pool size any more.
        this.ejection?.remove(inst.id);
      }
    }
    for (const i of wanted.values()) {
      next.push({
        id: i.id,
        url: i.url,
        stats: new InstanceStats(i.id, i.weight ?? 1),
        breaker: this.breakerCfg ? new CircuitBreaker(this.breakerCfg) : null,
        draining: false,
        mapped: false,
      });
      this.ejection?.add(i.id);
    }
    this.instances = next;
    this.views = next.map((i) => i.stats);
  }

  private isEligible(inst: PoolInstance, now: number): boolean {
    if (inst.draining || inst.stats.inFlight >= this.maxPerInstance) return false;
    if (this.ejection?.isEjected(inst.id, now)) return false;
    // Half-open: eligible only while probe slots remain, so the balancer does not pick a dead end.
    return inst.breaker === null || inst.breaker.wouldAllow(now);
  }

  private isHealthy(inst: PoolInstance, now: number): boolean {
    if (inst.draining || this.ejection?.isEjected(inst.id, now)) return false;
    return inst.breaker === null || inst.breaker.state(now) !== 'open';
  }

  /** Whether any instance could take a request if it had a free slot. */
  hasHealthy(now: number): boolean {
    for (const inst of this.instances) if (this.isHealthy(inst, now)) return true;
    return false;
  }

  assign(ticket: Ticket, now: number): AssignResult {
    this.nowForEligible = now;
    // A half-open breaker may refuse after the pick (its probes are used up): try the others.
    for (let tries = 0; tries < this.instances.length; tries++) {
      const index = this.balancer.pick(this.views, this.eligible, this.rng);
      if (index < 0) break;
      const inst = this.instances[index];
      if (inst.breaker !== null && !inst.breaker.allow(now)) continue;
      inst.stats.begin();
      this.inFlightTotal++;
      ticket.backend = this.name;
      ticket.instanceId = inst.id;
      ticket.instanceUrl = inst.url;
      return 'assigned';
    }
    return this.hasHealthy(now) ? 'busy' : 'unhealthy';
  }

  find(instanceId: string): PoolInstance | undefined {
    for (const inst of this.instances) if (inst.id === instanceId) return inst;
    return undefined;
  }

  /** Frees the ticket's slot and feeds the instance's health trackers. */
  release(instanceId: string, ok: boolean, latencyMs: number, now: number): PoolInstance | undefined {
    const inst = this.find(instanceId);
    if (inst === undefined) return undefined;
    inst.stats.end();
    this.inFlightTotal--;
    if (ok) {
      inst.stats.observe(latencyMs);
      inst.breaker?.onSuccess(latencyMs, now);
      this.ejection?.onSuccess(inst.id, now);
    } else {
      inst.breaker?.onFailure(now);
      this.ejection?.onFailure(inst.id, now);
    }
    if (inst.draining && inst.stats.inFlight === 0) {
      this.ejection?.remove(inst.id);
      this.instances = this.instances.filter((i) => i !== inst);
      this.views = this.instances.map((i) => i.stats);
    }
    return inst;
  }

  /** Whether some instance could take a request now. */
  hasFreeSlot(now: number): boolean {
    for (const inst of this.instances) if (this.isEligible(inst, now)) return true;
    return false;
  }

  /** The earliest time an open breaker or an ejection ends (Infinity when none is pending). */
  nextHealthChangeAt(now: number): number {
    let at = Number.POSITIVE_INFINITY;
    for (const inst of this.instances) {
      if (inst.breaker !== null && inst.breaker.state(now) === 'open') {
        const log = inst.breaker.transitions;
        const opened = log.length > 0 ? log[log.length - 1].at : now;
        const b = opened + (this.breakerCfg?.cooldownMs ?? 0);
        if (b < at) at = b;
      }
      const until = this.ejection?.host(inst.id)?.ejectedUntil ?? Number.NEGATIVE_INFINITY;
      if (until > now && until < at) at = until;
    }
    return at;
  }

  breakerState(inst: PoolInstance, now: number): BreakerState | null {
    return inst.breaker ? inst.breaker.state(now) : null;
  }
}
