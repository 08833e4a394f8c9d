/**
 * The policy engine: the request path that the HTTP server and the simulator both run.
 *
 *   submit(request)
 *     identify  API key -> tenant, app, tier            401 unknown key
 *     validate  model, sizes, max tokens                404 unknown model, 403 not allowed, 413 too large
 *     admit     rate and token limits, budget,          429 (retry-after), or a wait up to the deadline,
 *               concurrency                              or a downgrade to a cheaper model
 *     cache     exact match on the normalised request   answered here on a hit
 *     route     tier rules, fallback chain               (model rewrite, backend chain)
 *     schedule  load balancer over healthy instances,   dispatch now, or queue (WFQ / priority / FIFO)
 *               per-instance concurrency, wait queue     429 queue full, 503 no healthy backend
 *   complete(ticket, outcome)
 *     done: tokens reconciled, cost and budget, breaker and balancer stats, cache fill, telemetry
 *     or a fallback (retry on the next backend, or after retry-after), bounded by maxAttempts
 *
 * Synchronous, clock-injected, no timers: the adapter calls poll() at nextWakeAt() to expire
 * deadlines and release requests that waited for a rate limit or a retry-after.
 */
import type { Clock } from '../clock.js';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { limitKey } from '../limits/limit-key.js';
import { REJECTED } from '../limits/rate-limiter.js';
import { costUsd } from '../budgets/pricing.js';
import { parseDurationMs } from '../policy/duration.js';
import type { PolicyDocument, QueueSpec } from '../policy/schema.js';
import { IndexedHeap } from '../queues/indexed-heap.js';
import { ResponseCache } from '../cache/response-cache.js';
import type { Rng } from '../rng.js';
import { stableUnit } from '../stable-hash.js';
import type { Arm, IntervalRecord } from '../telemetry/interval-record.js';
import { type SeriesGroup, TelemetryRecorder } from '../telemetry/telemetry-recorder.js';
import { type AdmissionPlan, budgetStateOf } from './admission-plan.js';
import {
  BackendPool,
  DEFAULT_QUEUE_DEPTH,
  type InstanceInput,
  type PoolQueueOptions,
} from './backend-pool.js';
import { CompiledPolicy } from './compiled-policy.js';
import { EngineTicket } from './engine-ticket.js';
import { SharedState } from './shared-state.js';
import type {
  Admission,
  CompletionStep,
  EngineListener,
  GatewayRequest,
  Identity,
  Ticket,
  UpstreamOutcome,
} from './types.js';

export interface PolicyEngineOptions {
  policy: PolicyDocument;
  clock: Clock;
  rng: Rng;
  listener: EngineListener;
  telemetryIntervalMs?: number;
  /** Version number of `policy` (defaults to 1). */
  version?: number;
}

/** The tenant name under which pre-warm requests' telemetry is recorded. */
export const PREWARM_TENANT = '(prewarm)';

export type SplitBy = 'apiKey' | 'requestId' | 'tenant';

interface CanarySplit {
  policy: CompiledPolicy;
  percent: number;
  by: SplitBy;
}

/** Engine-wide counters (everything else is in telemetry records). */
export interface EngineCounters {
  submitted: number;
  rejected: number;
  cached: number;
  dispatched: number;
  completed: number;
  failed: number;
  expired: number;
  retries: number;
  budgetDowngrades: number;
  budgetAlerts: number;
}

type Rejection = Extract<Admission, { kind: 'rejected' }>;
/** What an internal stage answers: go on (null), or a rejection, or 'wait' (the ticket sleeps). */
type StageResult = Rejection | 'wait' | null;

const WAIT = 'wait' as const;

// The payload-free completion steps are shared constants: complete() runs once per request,
// and a fresh `{ kind: 'done' }` each time is garbage the caller drops at once.
const DONE: CompletionStep = Object.freeze({ kind: 'done' });
const RETRY: CompletionStep = Object.freeze({ kind: 'retry' });
const REQUEUED: CompletionStep = Object.freeze({ kind: 'queued' });

function reject(
  code: ErrorCode,
  message: string,
  identity: Identity | null,
  retryAfterMs: number | null = null,
  limit: Rejection['limit'] = null,
): Rejection {
  return { kind: 'rejected', code, status: ERROR_CODES[code].status, message, retryAfterMs, limit, identity };
}

export class PolicyEngine {
  private control: CompiledPolicy;
  private canary: CanarySplit | null = null;
  private readonly shared = new SharedState();
  private readonly pools = new Map<string, BackendPool>();
  /**
   * The same pools in insertion order (pools are only ever added): nextWakeAt() runs after every
   * submit and completion, and an index loop allocates no Map iterator or result objects.
   */
  private readonly poolList: BackendPool[] = [];
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly listener: EngineListener;
  readonly telemetry: TelemetryRecorder;
  cache: ResponseCache<unknown> | null = null;
  private cacheEnabled = false;
  private cacheAllowTemperature = false;
  private readonly wake = new IndexedHeap<EngineTicket>(
    (a, b) => a.wakeAt < b.wakeAt,
    (t) => t.wakePos,
    (t, i) => {
      t.wakePos = i;
    },
  );
  private readonly identities = new Map<string, Identity | null>();
  readonly counters: EngineCounters = {
    submitted: 0,
    rejected: 0,
    cached: 0,
    dispatched: 0,
    completed: 0,
    failed: 0,
    expired: 0,
    retries: 0,
    budgetDowngrades: 0,
    budgetAlerts: 0,
  };
  private readonly onExpired = (t: Ticket) =>
    this.finishUnserved(t as EngineTicket, 'SLUICE_DEADLINE_EXCEEDED');

  constructor(opts: PolicyEngineOptions) {
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.listener = opts.listener;
    const interval =
      opts.telemetryIntervalMs ??
      (opts.policy.telemetry?.interval !== undefined
        ? parseDurationMs(opts.policy.telemetry.interval)
        : 10_000);
    this.telemetry = new TelemetryRecorder(interval, opts.policy.telemetry?.histogramAlpha ?? 0.01);
    this.control = new CompiledPolicy(opts.policy, opts.version ?? 1, this.shared);
    this.syncPhysical(opts.policy);
  }

  /** The control policy's version number. */
  get version(): number {
    return this.control.version;
  }

  get policy(): PolicyDocument {
    return this.control.doc;
  }

  get canaryState(): { version: number; percent: number; by: SplitBy } | null {
    return this.canary
      ? { version: this.canary.policy.version, percent: this.canary.percent, by: this.canary.by }
      : null;
  }

  // ---------------------------------------------------------------- policy versions

  /** Makes `doc` the control policy (it must already be validated). In-flight tickets keep theirs. */
  applyPolicy(doc: PolicyDocument, version = this.nextVersion()): { version: number; hash: string } {
    const previous = this.control.doc;
    this.control = new CompiledPolicy(doc, version, this.shared);
    this.identities.clear();
    this.syncPhysical(doc, previous);
    return { version, hash: this.control.hash };
  }

  /** Sends `percent`% of traffic (by a stable hash of `by`) to `doc`. */
  setCanary(
    doc: PolicyDocument,
    split: { percent: number; by?: SplitBy; version?: number },
  ): { version: number; hash: string } {
    if (!(split.percent >= 0 && split.percent <= 100))
      throw new RangeError(`canary percent must be 0..100, got ${split.percent}`);
    const policy = new CompiledPolicy(doc, split.version ?? this.nextVersion(), this.shared);
    // Pools are physical and tuned by the control version; a canary may add backends of its own.
    for (const [name, spec] of Object.entries(doc.backends)) {
      if (!this.pools.has(name))
        this.addPool(new BackendPool(name, spec, this.queueOptions(doc, spec.queue), this.rng));
    }
    this.canary = { policy, percent: split.percent, by: split.by ?? 'apiKey' };
    this.identities.clear();
    return { version: policy.version, hash: policy.hash };
  }

  /** The canary becomes the control policy for everyone. */
  promoteCanary(): { version: number; hash: string } | null {
    if (!this.canary) return null;
    const c = this.canary.policy;
    const previous = this.control.doc;
    this.canary = null;
    this.control = c;
    this.identities.clear();
    this.syncPhysical(c.doc, previous);
    return { version: c.version, hash: c.hash };
  }

  /** Ends the canary: everyone goes back to the control policy. */
  clearCanary(): void {
    this.canary = null;
    this.identities.clear();
  }

  private addPool(pool: BackendPool): void {
    this.pools.set(pool.name, pool);
    this.poolList.push(pool);
  }

  private nextVersion(): number {
    return Math.max(this.control.version, this.canary?.policy.version ?? 0) + 1;
  }

  /**
   * Creates pools for new backends; retunes existing ones (queue weights and depth, per-instance
   * concurrency, timeout, balancer, breaker thresholds with each breaker's state kept, outlier
   * ejection) and rescales those whose instance list the document changed since `previous`
   * (an unchanged list leaves a scale made through setInstances alone); updates cache settings.
   */
  private syncPhysical(doc: PolicyDocument, previous: PolicyDocument | null = null): void {
    for (const [name, spec] of Object.entries(doc.backends)) {
      const existing = this.pools.get(name);
      if (existing === undefined) {
        this.addPool(new BackendPool(name, spec, this.queueOptions(doc, spec.queue), this.rng));
      } else {
        // A pool keeps its queue discipline and classes for life (tickets wait in it): a new
        // document retunes its weights or priorities only, in the terms of that discipline.
        const q = this.queueOptions(doc, {
          ...spec.queue,
          discipline: existing.queue.discipline,
          classBy: existing.classBy,
        });
        existing.queue.setWeights(q.discipline === 'priority' ? q.priorities! : q.weights!);
        existing.retune(spec);
        const before = previous?.backends[name]?.instances;
        if (before !== undefined && JSON.stringify(before) !== JSON.stringify(spec.instances))
          existing.setInstances(spec.instances);
      }
    }
    const c = doc.cache;
    this.cacheEnabled = c?.enabled ?? false;
    this.cacheAllowTemperature = c?.allowTemperature ?? false;
    if (this.cacheEnabled && this.cache === null) {
      this.cache = new ResponseCache<unknown>({
        maxBytes: c?.maxBytes ?? 64 * 1024 * 1024,
        ttlMs: c?.ttl !== undefined ? parseDurationMs(c.ttl) : 300_000,
        eviction: c?.eviction ?? 'lru',
      });
    }
    // Only once every pool is retuned: a higher limit may free slots for queued work, and work
    // that a rescaled pool moves on to its fallback must meet the fallback's new limits.
    if (previous !== null) for (const pool of this.pools.values()) this.drainPool(pool, this.clock.now());
  }

  /** Queue settings, with WFQ weights or priorities taken from the tiers (or tenants' entitlements) when not given. */
  private queueOptions(doc: PolicyDocument, q: QueueSpec | undefined): PoolQueueOptions {
    const discipline = q?.discipline ?? 'fifo';
    const classBy = q?.classBy ?? 'tier';
    const weights: Record<string, number> = {};
    const priorities: Record<string, number> = {};
    if (classBy === 'tier') {
      for (const [tier, spec] of Object.entries(doc.tiers)) {
        weights[tier] = spec.weight ?? 1;
        priorities[tier] = spec.priority ?? 0;
      }
    } else {
      for (const [tenant, spec] of Object.entries(doc.tenants)) {
        weights[tenant] = spec.entitlement ?? 1;
        priorities[tenant] = doc.tiers[spec.tier]?.priority ?? 0;
      }
    }
    if (q?.weights) Object.assign(weights, q.weights);
    return { discipline, classBy, weights, priorities, maxDepth: q?.maxDepth ?? DEFAULT_QUEUE_DEPTH };
  }

  // ---------------------------------------------------------------- physical changes

  /** Scales a pool: new ids join, ids no longer listed drain. */
  setInstances(backend: string, instances: readonly InstanceInput[]): void {
    const pool = this.pools.get(backend);
    if (!pool) throw new RangeError(`setInstances: unknown backend "${backend}"`);
    pool.setInstances(instances);
    this.drainPool(pool, this.clock.now());
  }

  setQueueWeights(backend: string, weights: Readonly<Record<string, number>>): void {
    const pool = this.pools.get(backend);
    if (!pool) throw new RangeError(`setQueueWeights: unknown backend "${backend}"`);
    pool.queue.setWeights(weights);
  }

  backendNames(): string[] {
    return [...this.pools.keys()];
  }

  backendSnapshot(backend: string): {
    queueDepth: number;
    inFlight: number;
    instances: {
      id: string;
      inFlight: number;
      breaker: string | null;
      ejected: boolean;
      draining: boolean;
      ewmaLatencyMs: number;
    }[];
  } | null {
    const pool = this.pools.get(backend);
    if (!pool) return null;
    const now = this.clock.now();
    return {
      queueDepth: pool.queue.size,
      inFlight: pool.inFlight,
      instances: pool.instances.map((i) => ({
        id: i.id,
        inFlight: i.stats.inFlight,
        breaker: pool.breakerState(i, now),
        ejected: pool.ejection?.isEjected(i.id, now) ?? false,
        draining: i.draining,
        ewmaLatencyMs: i.stats.ewmaLatencyMs,
      })),
    };
  }

  // ---------------------------------------------------------------- the request path

  submit(req: GatewayRequest): Admission {
    const now = this.clock.now();
    this.counters.submitted++;

    // identify
    let identity = this.identify(this.control, req.apiKey);
    if (identity === null) {
      const unknown = this.telemetry.group({
        tenant: '-',
        model: req.model,
        tier: '-',
        arm: 'control',
        policyVersion: this.control.version,
      });
      this.telemetry.arrived(now, unknown, '-');
      this.telemetry.rejected(now, unknown, '-');
      return this.countReject(
        reject(
          'SLUICE_UNAUTHORIZED',
          'Unknown API key. Pass a key from the policy as "Authorization: Bearer <key>".',
          null,
        ),
      );
    }
    let policy = this.control;
    let arm: 'control' | 'canary' = 'control';
    if (this.canary !== null && this.inCanary(req, identity)) {
      const canaryIdentity = this.identify(this.canary.policy, req.apiKey);
      if (canaryIdentity !== null) {
        policy = this.canary.policy;
        identity = canaryIdentity;
        arm = 'canary';
      }
    }
    const plan = policy.plan(identity, req.model);

    // validate
    const settings = plan.settings;
    const reservedOut = req.maxOutputTokens > 0 ? req.maxOutputTokens : settings.maxOutputTokens;
    const ticket = new EngineTicket(
      req,
      identity,
      arm,
      policy,
      plan,
      now,
      now + settings.deadlineMs,
      reservedOut,
      req.origin === 'prewarm'
        ? this.telemetry.group({
            tenant: PREWARM_TENANT,
            model: req.model,
            tier: identity.tier,
            arm,
            policyVersion: policy.version,
          })
        : this.seriesGroup(plan, arm, policy.version, identity, req.model),
    );
    this.telemetry.arrived(now, ticket.series, ticket.instanceTag);
    const invalid = this.validate(req, plan.model !== undefined, plan.modelAllowed, settings, identity);
    if (invalid !== null) {
      this.telemetry.rejected(now, ticket.series, ticket.instanceTag);
      return this.countReject(invalid);
    }

    // admit
    const admitted = this.admit(ticket, now);
    if (admitted === WAIT) return { kind: 'queued', ticket };
    if (admitted !== null) {
      this.telemetry.rejected(now, ticket.series, ticket.instanceTag);
      return this.countReject(admitted);
    }

    // cache
    if (
      this.cacheEnabled &&
      this.cache !== null &&
      req.cacheKey !== undefined &&
      settings.cache &&
      this.cacheable(req)
    ) {
      const hit = this.cache.get(req.cacheKey, now);
      this.telemetry.cacheLookup(now, ticket.series, ticket.instanceTag, hit !== undefined);
      if (hit !== undefined) {
        this.refund(ticket, now, true);
        this.releaseSlots(ticket);
        ticket.state = 'done';
        this.telemetry.completed(now, ticket.series, ticket.instanceTag, 0, true, 0, 0, 0);
        this.counters.cached++;
        this.counters.completed++;
        return { kind: 'cached', value: hit, identity };
      }
    }

    // route, schedule
    return this.routeAndSchedule(ticket, policy, now);
  }

  private seriesGroup(
    plan: AdmissionPlan,
    arm: Arm,
    version: number,
    id: Identity,
    model: string,
  ): SeriesGroup {
    let g = plan.telemetry[arm];
    if (g === null) {
      g = this.telemetry.group({ tenant: id.tenant, model, tier: id.tier, arm, policyVersion: version });
      plan.telemetry[arm] = g;
    }
    return g;
  }

  private countReject(r: Rejection): Rejection {
    this.counters.rejected++;
    return r;
  }

  private identify(policy: CompiledPolicy, apiKey: string): Identity | null {
    if (policy === this.control) {
      const known = this.identities.get(apiKey);
      if (known !== undefined) return known;
      const id = policy.resolver.identify(apiKey);
      if (this.identities.size > 100_000) this.identities.clear();
      this.identities.set(apiKey, id);
      return id;
    }
    return policy.resolver.identify(apiKey);
  }

  private inCanary(req: GatewayRequest, id: Identity): boolean {
    const split = this.canary!;
    const basis = split.by === 'apiKey' ? req.apiKey : split.by === 'tenant' ? id.tenant : req.id;
    return stableUnit(basis) * 100 < split.percent;
  }

  private validate(
    req: GatewayRequest,
    modelKnown: boolean,
    modelAllowed: boolean,
    s: { maxInputTokens: number; maxOutputTokens: number; maxBodyBytes: number },
    identity: Identity,
  ): Rejection | null {
    if (!modelKnown)
      return reject(
        'SLUICE_NOT_FOUND',
        `Unknown model "${req.model}". GET /v1/models lists the models this key may use.`,
        identity,
      );
    if (!modelAllowed)
      return reject('SLUICE_FORBIDDEN', `This key may not use model "${req.model}".`, identity);
    if ((req.bodyBytes ?? 0) > s.maxBodyBytes)
      return reject(
        'SLUICE_TOO_LARGE',
        `Request body of ${req.bodyBytes} bytes exceeds the limit of ${s.maxBodyBytes}.`,
        identity,
      );
    if (req.inputTokens > s.maxInputTokens)
      return reject(
        'SLUICE_TOO_LARGE',
        `Prompt of ${req.inputTokens} tokens exceeds the limit of ${s.maxInputTokens}.`,
        identity,
      );
    if (req.maxOutputTokens > s.maxOutputTokens)
      return reject(
        'SLUICE_TOO_LARGE',
        `max_tokens ${req.maxOutputTokens} exceeds the limit of ${s.maxOutputTokens}.`,
        identity,
      );
    return null;
  }

  private cacheable(req: GatewayRequest): boolean {
    return this.cacheAllowTemperature || !(req.temperature !== undefined && req.temperature > 0);
  }

  /** Units a request asks of a limit, reserving `max_tokens` for output until completion. */
  private unitAmount(unit: string, t: EngineTicket): number {
    if (unit === 'requests') return 1;
    if (unit === 'input-tokens') return t.request.inputTokens;
    if (unit === 'output-tokens') return t.reservedOutputTokens;
    return t.request.inputTokens + t.reservedOutputTokens;
  }

  /**
   * Rate and token limits, budget, concurrency. Takes everything or nothing: a refusal gives back
   * what earlier limits took. A limit with onLimit 'wait' puts the ticket to sleep until it could pass.
   */
  private admit(t: EngineTicket, now: number): StageResult {
    const plan = t.plan;
    const req = t.request;
    // The gateway's own pre-warm: no tenant limit or slot is taken (the budget's state still
    // picks the model, so the cached answer is the one the tenant would get).
    const own = req.origin === 'prewarm';
    let shapeDelay = 0;
    for (let i = 0; !own && i < plan.limits.length; i++) {
      const l = plan.limits[i];
      const key =
        l.fixedKey ??
        limitKey(l.spec.by, {
          keyId: t.identity.keyId,
          tenant: t.identity.tenant,
          model: req.model,
          user: req.user,
          ip: req.ip,
        });
      const limiter = l.keyed.get(key, now);
      const amount = this.unitAmount(l.spec.unit, t);
      const delay = limiter.acquire(amount, now);
      if (delay === REJECTED) {
        this.refund(t, now, false);
        const wait = limiter.waitTime(amount, now);
        if (l.spec.onLimit === 'wait' && Number.isFinite(wait) && now + wait <= t.deadline) {
          this.sleep(t, now + wait);
          return WAIT;
        }
        const retry = Number.isFinite(wait) ? Math.ceil(wait) : null;
        const what = l.spec.unit === 'requests' ? 'requests' : l.spec.unit;
        return reject(
          'SLUICE_RATE_LIMITED',
          `Rate limit "${l.spec.id}" reached (${l.spec.limit} ${what} per ${l.spec.periodMs / 1000}s).` +
            (retry !== null
              ? ` Try again in ${(retry / 1000).toFixed(1)}s.`
              : ' This request is larger than the limit allows.'),
          t.identity,
          retry,
          {
            id: l.spec.id,
            capacity: limiter.capacity,
            remaining: Math.max(0, Math.floor(limiter.available(now))),
          },
        );
      }
      t.addCharge({ limiter, unit: l.spec.unit, amount, at: now });
      if (delay > shapeDelay) shapeDelay = delay;
    }

    if (plan.budget !== null && plan.budgetSpec !== null) {
      const state = budgetStateOf(plan, now);
      if (state === 'exhausted') {
        const doc = this.policyOf(t).doc;
        const cheaper = plan.budgetSpec.downgradeTo ?? doc.models[req.model]?.cheaper;
        if (
          plan.budgetSpec.action === 'downgrade' &&
          cheaper !== undefined &&
          doc.models[cheaper] !== undefined
        ) {
          t.model = cheaper;
          this.counters.budgetDowngrades++;
        } else {
          this.refund(t, now, false);
          return reject(
            'SLUICE_BUDGET_EXHAUSTED',
            `Budget of $${plan.budgetSpec.usd} per ${plan.budgetSpec.period} for tenant "${t.identity.tenant}" is used up.`,
            t.identity,
            Math.ceil(plan.budget.resetsAt(now) - now),
          );
        }
      }
    }

    for (let i = 0; !own && i < plan.concurrency.length; i++) {
      const c = plan.concurrency[i];
      if (c.counter.inFlight >= c.max || !c.counter.tryAcquire()) {
        this.releaseSlots(t);
        this.refund(t, now, false);
        return reject(
          'SLUICE_CONCURRENCY_LIMITED',
          'Too many requests in flight for this tenant, key or model.',
          t.identity,
          1000,
        );
      }
      t.addSlot(c.counter);
    }

    t.admitted = true;
    if (shapeDelay > 0) {
      if (now + shapeDelay > t.deadline) {
        this.releaseSlots(t);
        this.refund(t, now, false);
        return reject(
          'SLUICE_RATE_LIMITED',
          'The traffic shaper would delay this request past its deadline.',
          t.identity,
          Math.ceil(shapeDelay),
        );
      }
      this.sleep(t, now + shapeDelay);
      return WAIT;
    }
    return null;
  }

  /** The ticket's own version, even after applyPolicy or the canary's end (its model may be gone from the new one). */
  private policyOf(t: EngineTicket): CompiledPolicy {
    return t.policy;
  }

  private sleep(t: EngineTicket, until: number): void {
    t.state = 'queued';
    t.wakeAt = until;
    this.wake.push(t);
  }

  /** Route rules pick the model and the backend chain; then schedule on the first usable pool. */
  private routeAndSchedule(t: EngineTicket, policy: CompiledPolicy, now: number): Admission {
    const doc = policy.doc;
    // Most policies have no route rules: skip building the match context (and the budget read).
    const rule =
      policy.rules.size === 0
        ? null
        : policy.rules.match({
            tier: t.identity.tier,
            tenant: t.identity.tenant,
            model: t.model,
            task: t.request.task,
            promptTokens: t.request.inputTokens,
            budget: budgetStateOf(t.plan, now),
            request: t.request,
          });
    if (rule?.model !== undefined && doc.models[rule.model] !== undefined) t.model = rule.model;
    t.chain = rule?.backends ?? doc.models[t.model].backends;
    t.chainIndex = 0;
    const r = this.schedule(t, now);
    if (r === null) return { kind: 'dispatch', ticket: t };
    if (r === WAIT) return { kind: 'queued', ticket: t };
    this.finishRejected(t, now);
    return this.countReject(r);
  }

  /** Dispatch on the current pool of the chain, queue there, or fall to the next pool if unhealthy. */
  private schedule(t: EngineTicket, now: number): StageResult {
    const policy = this.policyOf(t);
    while (t.chainIndex < t.chain.length) {
      const pool = this.pools.get(t.chain[t.chainIndex]);
      if (pool === undefined) {
        t.chainIndex++;
        continue;
      }
      const result = pool.assign(t, now);
      if (result === 'assigned') {
        this.markDispatched(t, now);
        return null;
      }
      if (result === 'busy') {
        const cls = pool.classBy === 'tenant' ? t.identity.tenant : t.identity.tier;
        if (!pool.queue.enqueue(t, cls, t.deadline, 1)) {
          return reject(
            'SLUICE_QUEUE_FULL',
            `The queue for backend "${pool.name}" is full.`,
            t.identity,
            1000,
          );
        }
        t.state = 'queued';
        this.samplePool(pool, now);
        return WAIT;
      }
      if (!policy.fallbackOn.has('open-circuit')) break;
      t.chainIndex++;
    }
    return reject(
      'SLUICE_NO_BACKEND',
      `No healthy backend for model "${t.model}": every circuit is open or every instance ejected.`,
      t.identity,
      1000,
    );
  }

  private markDispatched(t: EngineTicket, now: number): void {
    t.state = 'in-flight';
    t.attempts++;
    t.dispatchedAt = now;
    t.instanceTag = t.instanceId;
    this.counters.dispatched++;
    this.samplePool(this.pools.get(t.backend)!, now);
  }

  private samplePool(pool: BackendPool, now: number): void {
    this.telemetry.pool(now, pool.name, {
      queueDepth: pool.queue.size,
      inFlight: pool.inFlight,
      instances: pool.activeCount,
    });
  }

  /** Upstream answered (or failed) for this ticket: settle it, or send it on to a fallback. */
  complete(ticket: Ticket, outcome: UpstreamOutcome): CompletionStep {
    const t = ticket as EngineTicket;
    if (t.state !== 'in-flight')
      throw new Error(`PolicyEngine.complete: ticket ${t.request.id} is ${t.state}, not in flight`);
    const now = this.clock.now();
    const pool = this.pools.get(t.backend);
    const serviceMs = now - t.dispatchedAt;
    if (pool !== undefined) {
      const inst = pool.release(t.instanceId, outcome.ok, serviceMs, now);
      // Every instance, breaker or not: the record's pool gauges (in flight, queue, instances)
      // are found through this mapping, and a pool without breakers reported none.
      if (inst?.breaker) this.telemetry.instance(inst.id, pool.name, inst.breaker.state(now));
      else if (inst !== undefined && !inst.mapped) {
        this.telemetry.instance(inst.id, pool.name, null);
        inst.mapped = true;
      }
    }
    let step: CompletionStep;
    if (outcome.ok) {
      step = this.settleSuccess(t, outcome, now);
    } else {
      step = this.settleFailure(t, outcome, now);
    }
    if (pool) this.drainPool(pool, now);
    return step;
  }

  private settleSuccess(
    t: EngineTicket,
    o: Extract<UpstreamOutcome, { ok: true }>,
    now: number,
  ): CompletionStep {
    const policy = this.policyOf(t);
    const modelSpec = policy.doc.models[t.model];
    const cost = modelSpec ? costUsd(o.inputTokens, o.outputTokens, modelSpec) : 0;
    const budget = t.plan.budget;
    if (budget !== null && t.request.origin !== 'prewarm') {
      const before = budgetStateOf(t.plan, now);
      budget.spend(cost, now);
      if (before === 'ok' && budgetStateOf(t.plan, now) !== 'ok') this.counters.budgetAlerts++;
    }
    for (let i = 0; i < t.charges.length; i++) {
      const c = t.charges[i];
      if (c.unit === 'output-tokens') c.limiter.adjust(o.outputTokens - t.reservedOutputTokens, now, c.at);
      else if (c.unit === 'input-tokens') c.limiter.adjust(o.inputTokens - t.request.inputTokens, now, c.at);
      else if (c.unit === 'total-tokens')
        c.limiter.adjust(
          o.inputTokens + o.outputTokens - t.request.inputTokens - t.reservedOutputTokens,
          now,
          c.at,
        );
    }
    this.releaseSlots(t);
    const key = t.request.cacheKey;
    if (
      this.cache !== null &&
      this.cacheEnabled &&
      key !== undefined &&
      o.cacheValue !== undefined &&
      t.plan.settings.cache &&
      this.cacheable(t.request)
    ) {
      this.cache.set(key, o.cacheValue, o.cacheBytes ?? 1024, now);
    }
    const latency = now - t.arrivedAt;
    this.telemetry.completed(
      now,
      t.series,
      t.instanceTag,
      latency,
      latency <= t.plan.tier.sloMs,
      o.inputTokens,
      o.outputTokens,
      cost,
    );
    t.state = 'done';
    this.counters.completed++;
    return DONE;
  }

  private settleFailure(
    t: EngineTicket,
    o: Extract<UpstreamOutcome, { ok: false }>,
    now: number,
  ): CompletionStep {
    const policy = this.policyOf(t);
    const retriable =
      o.kind !== '4xx' &&
      policy.fallbackOn.has(o.kind) &&
      t.attempts < policy.maxAttempts &&
      now < t.deadline;
    if (retriable) {
      this.counters.retries++;
      t.instanceTag = '-';
      // Prefer the next pool in the chain; a lone pool is retried only after its retry-after.
      if (t.chainIndex + 1 < t.chain.length) {
        t.chainIndex++;
        const r = this.schedule(t, now);
        if (r === null) return RETRY;
        if (r === WAIT) return REQUEUED;
      } else if (o.retryAfterMs !== undefined && now + o.retryAfterMs < t.deadline) {
        this.sleep(t, now + o.retryAfterMs);
        return REQUEUED;
      } else if (o.kind !== '429') {
        const r = this.schedule(t, now);
        if (r === null) return RETRY;
        if (r === WAIT) return REQUEUED;
      }
    }
    const code: ErrorCode =
      o.kind === 'timeout'
        ? 'SLUICE_UPSTREAM_TIMEOUT'
        : o.kind === '429'
          ? 'SLUICE_RATE_LIMITED'
          : 'SLUICE_UPSTREAM_ERROR';
    this.refund(t, now, true);
    this.releaseSlots(t);
    this.telemetry.failed(now, t.series, t.instanceTag);
    t.state = 'done';
    this.counters.failed++;
    return {
      kind: 'failed',
      code,
      status: ERROR_CODES[code].status,
      message: `Upstream ${o.kind} from backend "${t.backend}" after ${t.attempts} attempt(s).`,
    };
  }

  /** Gives back what admission took. Request units stay spent unless `all` (the request never ran). */
  private refund(t: EngineTicket, now: number, tokensOnly: boolean): void {
    for (let i = 0; i < t.charges.length; i++) {
      const c = t.charges[i];
      if (tokensOnly && c.unit === 'requests') continue;
      if (tokensOnly && c.unit === 'input-tokens') continue;
      if (tokensOnly && c.unit === 'total-tokens') {
        c.limiter.adjust(-t.reservedOutputTokens, now, c.at);
        continue;
      }
      c.limiter.adjust(-c.amount, now, c.at);
    }
    t.clearCharges();
  }

  private releaseSlots(t: EngineTicket): void {
    for (let i = 0; i < t.slots.length; i++) t.slots[i].release();
    t.clearSlots();
  }

  private finishRejected(t: EngineTicket, now: number): void {
    this.refund(t, now, false);
    this.releaseSlots(t);
    this.telemetry.rejected(now, t.series, t.instanceTag);
    t.state = 'done';
  }

  /** A ticket that waited and will not be served: deadline passed, queue full, or no backend. */
  private finishUnserved(t: EngineTicket, code: ErrorCode): void {
    const now = this.clock.now();
    // One that already went upstream (and waits for a fallback) keeps its request count, as a failure does.
    this.refund(t, now, t.attempts > 0);
    this.releaseSlots(t);
    if (code === 'SLUICE_DEADLINE_EXCEEDED') {
      this.telemetry.timedOut(now, t.series, t.instanceTag);
      this.counters.expired++;
    } else {
      this.telemetry.rejected(now, t.series, t.instanceTag);
      this.counters.rejected++;
    }
    t.state = 'done';
    this.listener.expire(t, code);
  }

  /** Hands free slots to queued tickets; moves the queue on to fallbacks when the pool is down. */
  private drainPool(pool: BackendPool, now: number): void {
    if (pool.queue.size === 0) return;
    if (!pool.hasHealthy(now)) {
      let t = pool.queue.dequeue(now, this.onExpired) as EngineTicket | undefined;
      while (t !== undefined) {
        t.chainIndex++;
        this.resume(t, now);
        t = pool.queue.dequeue(now, this.onExpired) as EngineTicket | undefined;
      }
      this.samplePool(pool, now);
      return;
    }
    while (pool.queue.size > 0 && pool.hasFreeSlot(now)) {
      const t = pool.queue.dequeue(now, this.onExpired) as EngineTicket | undefined;
      if (t === undefined) break;
      const r = pool.assign(t, now);
      if (r === 'assigned') {
        this.markDispatched(t, now);
        this.listener.dispatch(t);
      } else {
        // A half-open breaker refused after all: back in line (rare).
        const cls = pool.classBy === 'tenant' ? t.identity.tenant : t.identity.tier;
        if (!pool.queue.enqueue(t, cls, t.deadline, 1)) this.finishUnserved(t, 'SLUICE_QUEUE_FULL');
        break;
      }
    }
    this.samplePool(pool, now);
  }

  /** Continues a woken or displaced ticket from where it stopped. */
  private resume(t: EngineTicket, now: number): void {
    if (now > t.deadline) {
      this.finishUnserved(t, 'SLUICE_DEADLINE_EXCEEDED');
      return;
    }
    if (!t.admitted) {
      const a = this.admit(t, now);
      if (a === WAIT) return;
      if (a !== null) {
        this.finishUnserved(t, a.code);
        return;
      }
    }
    let r: StageResult;
    if (t.chain.length === 0) {
      const adm = this.routeAndScheduleResumed(t, now);
      r = adm;
    } else {
      r = this.schedule(t, now);
    }
    if (r === null) this.listener.dispatch(t);
    else if (r !== WAIT) this.finishUnserved(t, r.code);
  }

  private routeAndScheduleResumed(t: EngineTicket, now: number): StageResult {
    const policy = this.policyOf(t);
    const rule = policy.rules.match({
      tier: t.identity.tier,
      tenant: t.identity.tenant,
      model: t.model,
      task: t.request.task,
      promptTokens: t.request.inputTokens,
      budget: budgetStateOf(t.plan, now),
      request: t.request,
    });
    if (rule?.model !== undefined && policy.doc.models[rule.model] !== undefined) t.model = rule.model;
    t.chain = rule?.backends ?? policy.doc.models[t.model].backends;
    t.chainIndex = 0;
    return this.schedule(t, now);
  }

  /** Expires deadlines in queues and wakes tickets whose wait is over. Call at nextWakeAt(). */
  poll(): void {
    const now = this.clock.now();
    for (let i = 0; i < this.poolList.length; i++) {
      const pool = this.poolList[i];
      // `<=`: a queue drops an item at its deadline, and nextWakeAt() names that very time.
      if (pool.queue.size > 0 && pool.queue.nextDeadline() <= now) {
        pool.queue.expire(now, this.onExpired);
        this.samplePool(pool, now);
      }
      this.drainPool(pool, now);
    }
    let top = this.wake.peek();
    while (top !== undefined && top.wakeAt <= now) {
      this.wake.pop();
      top.wakeAt = Number.POSITIVE_INFINITY;
      this.resume(top, now);
      top = this.wake.peek();
    }
  }

  /** When poll() next has work: the earliest wake-up or queue deadline (Infinity when none). */
  nextWakeAt(): number {
    let at = this.wake.peek()?.wakeAt ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.poolList.length; i++) {
      const pool = this.poolList[i];
      if (pool.queue.size > 0) {
        const d = pool.queue.nextDeadline();
        if (d < at) at = d;
        // An open breaker half-opens by time alone: look again then so queued work can move.
        const reopen = pool.nextHealthChangeAt(this.clock.now());
        if (reopen < at) at = reopen;
      }
    }
    return at;
  }

  /** Telemetry records of intervals that have closed by now. */
  drainTelemetry(): IntervalRecord[] {
    return this.telemetry.drain(this.clock.now());
  }

  /** Closes the current interval too (end of a run, shutdown). */
  flushTelemetry(): IntervalRecord[] {
    return this.telemetry.flush();
  }
}
