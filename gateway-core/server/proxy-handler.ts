/**
 * The OpenAI-compatible proxy path for one request, top to bottom:
 *
 *   key      Bearer API key                                       401 missing
 *   parse    body -> model, token estimate, max_tokens, stream     400 malformed (413 via bodyLimit)
 *   shared   fleet-wide budget and limits in Redis (when configured)  429 + retry-after, x-ratelimit-*
 *   submit   engine: identify, validate, admit, cache, route       401/403/404/413/429/503, or a cache hit
 *   wait     queued: until a slot (listener.dispatch) or expiry    504 deadline, 429 queue full
 *   attempt  upstream through undici; JSON read whole, SSE relayed event by event
 *   complete engine.complete: done | retry (fallback) | queued (retry-after, fallback pool) | failed
 *                                                                  502/503/504 (an upstream 4xx passes through)
 *
 * Cacheable requests are counted per cache key (CacheDemand, for the controller's pre-warming),
 * and a pre-warm (a request the gateway re-issues itself, marked by a per-process token header)
 * runs this same path but is billed to no tenant: its outcome and cost go to
 * sluice_cache_prewarm_total / sluice_cache_prewarm_cost_usd_total instead of the request metrics
 * and the usage ledger.
 *
 * A client that goes away aborts its upstream request (an 'abort' event undici listens to: an
 * EventEmitter costs far less per request than an AbortController); its ticket is then
 * completed as answered with the tokens seen, so a hang-up neither retries nor trips a breaker.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { costUsd } from '../budgets/pricing.js';
import { type ErrorCode, isSluiceError } from '../errors.js';
import type { CompletionStep, GatewayRequest, Identity, Ticket, UpstreamOutcome } from '../engine/types.js';
import { parseDurationMs } from '../policy/duration.js';
import type { CacheDemand } from './cache-demand/cache-demand.js';
import type { EngineDriver } from './engine-driver.js';
import { admitGlobally, type GlobalAdmission, limitChecks, settleGlobally } from './global-admission.js';
import { type Endpoint, type ParsedRequest, parseOpenAIRequest } from './openai-request.js';
import { sendError } from './openai-error.js';
import type { PolicyManager } from './policy-manager.js';
import type { DistributedLimits } from './redis/distributed-limits.js';
import type { SharedBudgets } from './redis/shared-budget.js';
import type { SharedCache } from './redis/shared-cache.js';
import {
  type ConcurrencyLease,
  concurrencyScopes,
  type SharedConcurrency,
} from './redis/shared-concurrency.js';
import { responseUsage } from './response-usage.js';
import { SseRelay } from './sse-relay.js';
import type { GatewayMetrics, RequestOutcome } from './telemetry/gateway-metrics.js';
import type { UpstreamClient } from './upstream-client.js';
import type { UsageLedger } from './usage-ledger.js';

export interface ProxyContext {
  driver: EngineDriver;
  policies: PolicyManager;
  upstream: UpstreamClient;
  metrics: GatewayMetrics;
  usage: UsageLedger;
  limits: DistributedLimits | null;
  /** Fleet-wide tenant budgets (with Redis). */
  budgets: SharedBudgets | null;
  /** Fleet-wide concurrency limits (with Redis). */
  concurrency: SharedConcurrency | null;
  /** The response cache's shared tier, L2 behind the engine's in-memory cache (with Redis). */
  sharedCache: SharedCache | null;
  /**
   * Quick-start mode: every bearer key runs as `key` on `model`, with per-key limits by `user`,
   * and the client's own model name goes upstream.
   */
  quickStart: { key: string; model: string } | null;
  /** Requests per cache key and their replay material (null: not tracked). */
  demand: CacheDemand | null;
  /** The `x-sluice-prewarm` header value that marks the gateway's own pre-warm requests. */
  prewarmToken: string;
}

export const PREWARM_HEADER = 'x-sluice-prewarm';

const SUFFIX: Record<Endpoint, string> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};
const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;
/** Lease ids unique across replicas and restarts (a client's x-request-id may repeat). */
const LEASE_PREFIX = randomBytes(6).toString('hex');
let leaseSeq = 0;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export function bearerKey(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/** `retry-after` as ms: seconds, or an HTTP date relative to `now`. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '') return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

function header(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function isPrewarm(value: string | string[] | undefined, token: string): boolean {
  const v = header(value);
  if (v === undefined || v.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(v), Buffer.from(token));
}

/** Resolves a backend's upstream key (`env:NAME` reads the environment). */
function upstreamKey(spec: string | undefined): string | undefined {
  if (spec === undefined) return undefined;
  return spec.startsWith('env:') ? process.env[spec.slice(4)] : spec;
}

class RequestRun {
  private readonly abort = new EventEmitter();
  clientGone = false;
  private global: GlobalAdmission | null = null;
  private outcome: RequestOutcome = 'failed';
  private tenant = '-';
  private model: string;
  private arm = 'control';
  /** Slots held in the shared concurrency limits until the request ends. */
  lease: ConcurrencyLease | null = null;
  /** The cache key to store in the shared tier when the upstream answers (null: not cacheable there). */
  private sharedCacheKey: string | null = null;
  private sharedHit = false;

  constructor(
    private readonly ctx: ProxyContext,
    private readonly parsed: ParsedRequest,
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
    private readonly started: number,
    /** The gateway's own pre-warm: no request metrics, no tenant usage, no demand counted. */
    private readonly prewarm: boolean,
  ) {
    this.model = parsed.model;
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) {
        this.clientGone = true;
        this.abort.emit('abort');
      }
    });
  }

  private finish(outcome: RequestOutcome): void {
    this.outcome = outcome;
    if (this.prewarm) return;
    const m = this.ctx.metrics;
    m.request(outcome, this.tenant, this.model, this.arm);
    if (outcome === 'completed' || outcome === 'cached')
      m.observeLatency(this.model, this.arm, this.ctx.driver.clock.now() - this.started);
  }

  private fail(code: ErrorCode, message: string, extras: Parameters<typeof sendError>[3] = {}): FastifyReply {
    if (this.outcome !== 'client_closed')
      this.finish(code === 'SLUICE_DEADLINE_EXCEEDED' ? 'timed_out' : 'failed');
    return sendError(this.reply, code, message, extras);
  }

  private countUsage(tenant: string, what: Parameters<UsageLedger['count']>[1]): void {
    if (!this.prewarm) this.ctx.usage.count(tenant, what);
  }

  async run(apiKey: string): Promise<FastifyReply | undefined> {
    const { ctx, parsed, request } = this;
    const req: GatewayRequest = {
      id: String(request.id),
      apiKey,
      model: parsed.model,
      inputTokens: parsed.inputTokens,
      maxOutputTokens: parsed.maxOutputTokens,
      user: parsed.user,
      ip: request.ip,
      task: header(request.headers['x-sluice-task']),
      temperature: parsed.temperature,
      cacheKey: parsed.cacheKey,
      bodyBytes: Number(request.headers['content-length'] ?? 0),
      ...(this.prewarm ? { origin: 'prewarm' as const } : {}),
    };
    if (ctx.quickStart !== null) {
      req.user = `key-${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`;
      req.apiKey = ctx.quickStart.key;
      req.model = ctx.quickStart.model;
    }

    // shared state: the tenant's fleet-wide budget, limits and concurrency (none for the
    // gateway's own pre-warm), then the shared cache tier
    if (ctx.limits !== null) {
      const identity = ctx.policies.resolver.identify(req.apiKey);
      if (!this.prewarm) {
        const refused = await this.admitShared(ctx.limits, identity, req);
        if (refused !== null) return refused;
      }
      if (identity !== null && ctx.sharedCache !== null && req.cacheKey !== undefined)
        await this.sharedLookup(ctx.sharedCache, identity, req);
    }

    // submit
    const a = ctx.driver.submit(req);
    if (a.kind === 'rejected') {
      if (this.global !== null) settleGlobally(ctx.limits!, this.global, { kind: 'refused' });
      this.tenant = a.identity?.tenant ?? '-';
      if (a.identity !== null) this.countUsage(a.identity.tenant, 'rejected');
      this.finish(a.status === 429 ? 'rejected' : 'invalid');
      return sendError(this.reply, a.code, a.message, { retryAfterMs: a.retryAfterMs, limit: a.limit });
    }
    this.countDemand(apiKey, req, a.kind === 'cached' ? a.identity : a.ticket.identity, a.kind === 'cached');
    if (a.kind === 'cached') {
      if (this.global !== null) settleGlobally(ctx.limits!, this.global, { kind: 'failed' });
      this.tenant = a.identity.tenant;
      this.countUsage(a.identity.tenant, 'cached');
      this.finish('cached');
      if (this.sharedHit) this.reply.header('x-sluice-cache-tier', 'shared');
      return this.reply.header('x-sluice-cache', 'hit').send(a.value);
    }
    const ticket = a.ticket;
    this.tenant = ticket.identity.tenant;
    this.arm = ticket.arm;
    this.reply.header('x-sluice-policy-version', String(ticket.policyVersion));
    if (a.kind === 'queued') {
      const slot = await ctx.driver.waitForSlot(ticket);
      if (slot.kind === 'expired') return this.unserved(slot.code);
    }
    return await this.attempts(ticket);
  }

  /** Fleet-wide budget, limits and concurrency through Redis: the refusal sent, or null. */
  private async admitShared(
    limits: DistributedLimits,
    identity: Identity | null,
    req: GatewayRequest,
  ): Promise<FastifyReply | null> {
    const { ctx } = this;
    const budget =
      identity === null ? undefined : ctx.policies.current().doc.tenants[identity.tenant]?.budget;
    if (
      identity !== null &&
      budget !== undefined &&
      (budget.action ?? 'reject') === 'reject' &&
      ctx.budgets !== null
    ) {
      const b = await ctx.budgets.check(identity.tenant, budget);
      if (b.exhausted) {
        this.tenant = identity.tenant;
        this.countUsage(identity.tenant, 'rejected');
        this.finish('rejected');
        return sendError(
          this.reply,
          'SLUICE_BUDGET_EXHAUSTED',
          `Budget of $${budget.usd} per ${budget.period} for tenant "${identity.tenant}" is used up (fleet-wide).`,
          { retryAfterMs: b.retryAfterMs },
        );
      }
    }
    this.global = identity === null ? null : limitChecks(ctx.policies.resolver, identity, req);
    if (this.global !== null) {
      this.tenant = identity?.tenant ?? '-';
      const d = await admitGlobally(limits, this.global);
      if (!d.allowed) {
        this.countUsage(this.tenant, 'rejected');
        this.finish('rejected');
        const why =
          d.source === 'fail-closed'
            ? `Limit "${d.binding?.id}" is fail-closed and its shared state (Redis) is unreachable.`
            : `Rate limit "${d.binding?.id}" reached (${d.binding?.limit} per ${(d.binding?.periodMs ?? 0) / 1000}s).`;
        return sendError(this.reply, 'SLUICE_RATE_LIMITED', why, {
          retryAfterMs: d.retryAfterMs,
          limit: d.binding ? { id: d.binding.id, capacity: d.binding.burst, remaining: d.remaining } : null,
        });
      }
    }
    if (identity !== null && ctx.concurrency !== null) {
      const refused = await this.admitConcurrency(ctx.concurrency, identity, req.model);
      if (refused !== null) return refused;
    }
    return null;
  }

  /**
   * Fleet-wide concurrency, checked after the shared rate limits (their units go back on a
   * refusal) and before the engine's own per-replica counters. Returns the refusal, or null.
   */
  private async admitConcurrency(
    shared: SharedConcurrency,
    identity: Identity,
    model: string,
  ): Promise<FastifyReply | null> {
    const scopes = concurrencyScopes(this.ctx.policies.current().doc, identity, model);
    if (scopes.length === 0) return null;
    const d = await shared.acquire(`${LEASE_PREFIX}-${(++leaseSeq).toString(36)}`, scopes);
    if (d.allowed) {
      this.lease = d.lease;
      this.ctx.metrics.concurrencyShared.inc({ result: d.source === 'redis' ? 'admitted' : 'fallback' });
      return null;
    }
    this.ctx.metrics.concurrencyShared.inc({ result: d.source === 'redis' ? 'refused' : 'fail-closed' });
    if (this.global !== null) settleGlobally(this.ctx.limits!, this.global, { kind: 'refused' });
    this.tenant = identity.tenant;
    this.countUsage(identity.tenant, 'rejected');
    this.finish('rejected');
    const why =
      d.source === 'fail-closed'
        ? 'Concurrency limits are fail-closed and their shared state (Redis) is unreachable.'
        : `Too many requests in flight for ${d.binding.scope} (${d.inFlight} of ${d.binding.max}, fleet-wide).`;
    return sendError(this.reply, 'SLUICE_CONCURRENCY_LIMITED', why, { retryAfterMs: 1000 });
  }

  /** Gives back the shared concurrency slots (when the request is over, whatever its end). */
  releaseShared(): void {
    if (this.lease !== null) this.ctx.concurrency?.release(this.lease);
    this.lease = null;
  }

  /**
   * Counts a request in the per-key demand when the engine looked (or would look) it up in the
   * cache: cache on, a cache key, the temperature rule, and the key's `cache` setting. The
   * request is kept for replay; the gateway's own pre-warms are not demand.
   */
  private countDemand(apiKey: string, req: GatewayRequest, identity: Identity, hit: boolean): void {
    const demand = this.ctx.demand;
    const key = req.cacheKey;
    if (this.prewarm || demand === null || key === undefined) return;
    if (!hit) {
      const spec = this.ctx.policies.current().doc.cache;
      if (spec?.enabled !== true || this.ctx.driver.engine.cache === null) return;
      if (spec.allowTemperature !== true && req.temperature !== undefined && req.temperature > 0) return;
      if (!this.ctx.policies.resolver.effective(identity.keyId, req.model).cache) return;
    }
    const { request } = this;
    demand.observe(
      key,
      {
        endpoint: this.parsed.endpoint,
        body: request.rawBody ?? Buffer.from(JSON.stringify(this.parsed.body)),
        apiKey,
        task: req.task,
        ip: request.ip,
      },
      this.ctx.driver.clock.now(),
    );
  }

  /**
   * L2 lookup: for a request the engine would cache, when its L1 (the engine's in-memory cache)
   * misses, the shared tier is read and a hit is put into L1, so the engine answers it as its own
   * cache hit (telemetry and metrics count one cache hit, admission runs as for any hit).
   */
  private async sharedLookup(cache: SharedCache, identity: Identity, req: GatewayRequest): Promise<void> {
    const key = req.cacheKey;
    const l1 = this.ctx.driver.engine.cache;
    const spec = this.ctx.policies.current().doc.cache;
    if (key === undefined || l1 === null || spec?.enabled !== true) return;
    if (spec.allowTemperature !== true && req.temperature !== undefined && req.temperature > 0) return;
    if (!this.ctx.policies.resolver.effective(identity.keyId, req.model).cache) return;
    this.sharedCacheKey = key;
    if (l1.has(key, this.ctx.driver.clock.now())) return;
    const body = await cache.get(key);
    if (body === null) return;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return;
    }
    l1.set(key, value, body.length, this.ctx.driver.clock.now());
    this.sharedHit = true;
  }

  private unserved(code: ErrorCode): FastifyReply {
    if (this.global !== null) settleGlobally(this.ctx.limits!, this.global, { kind: 'refused' });
    this.countUsage(this.tenant, code === 'SLUICE_DEADLINE_EXCEEDED' ? 'failed' : 'rejected');
    const msg =
      code === 'SLUICE_DEADLINE_EXCEEDED'
        ? 'The request waited past its deadline.'
        : `The request could not be served (${code}).`;
    return this.fail(code, msg, { retryAfterMs: code === 'SLUICE_DEADLINE_EXCEEDED' ? null : 1000 });
  }

  /** Sends to the ticket's instance until the engine says done or failed. */
  private async attempts(ticket: Ticket): Promise<FastifyReply | undefined> {
    for (;;) {
      if (this.clientGone) {
        await this.abandon(
          ticket,
          this.ctx.driver.complete(ticket, { ok: true, inputTokens: 0, outputTokens: 0 }),
        );
        this.finish('client_closed');
        return undefined;
      }
      const r = await this.attempt(ticket);
      if (r.kind === 'sent') return undefined;
      const step = this.ctx.driver.complete(ticket, r.outcome);
      this.ctx.metrics.attempt(ticket.backend || '-', r.outcome.ok ? 'ok' : r.outcome.kind);
      if (step.kind === 'retry') continue;
      if (step.kind === 'queued') {
        const slot = await this.ctx.driver.waitForSlot(ticket);
        if (slot.kind === 'expired') return this.unserved(slot.code);
        continue;
      }
      if (step.kind === 'failed') {
        if (this.global !== null) settleGlobally(this.ctx.limits!, this.global, { kind: 'failed' });
        this.countUsage(this.tenant, 'failed');
        if (this.clientGone) {
          this.finish('client_closed');
          return undefined;
        }
        if (r.passThrough !== undefined) {
          this.finish('failed');
          return this.reply
            .code(r.passThrough.status)
            .header('content-type', 'application/json')
            .send(r.passThrough.body);
        }
        return this.fail(step.code, step.message, {
          retryAfterMs:
            step.status === 429 && r.outcome.ok === false ? (r.outcome.retryAfterMs ?? 1000) : null,
        });
      }
      return undefined;
    }
  }

  /** Ends a ticket the engine wants to retry after we can no longer use a retry (stream broke, client gone). */
  private async abandon(ticket: Ticket, step: CompletionStep): Promise<void> {
    while (step.kind === 'retry' || step.kind === 'queued') {
      if (step.kind === 'queued') {
        const slot = await this.ctx.driver.waitForSlot(ticket);
        if (slot.kind === 'expired') return;
      }
      step = this.ctx.driver.complete(ticket, { ok: true, inputTokens: 0, outputTokens: 0 });
    }
  }

  private upstreamBody(ticket: Ticket): string | Buffer {
    const doc = this.ctx.policies.current().doc;
    const upstreamModel =
      this.ctx.quickStart !== null
        ? this.parsed.model
        : (doc.models[ticket.model]?.upstreamModel ?? ticket.model);
    // Unchanged requests go upstream as the bytes the client sent (no re-serialising).
    const raw = this.request.rawBody;
    if (
      raw !== undefined &&
      upstreamModel === this.parsed.model &&
      (!this.parsed.stream || this.parsed.clientWantsUsage)
    )
      return raw;
    const body: Record<string, unknown> = { ...this.parsed.body, model: upstreamModel };
    if (this.parsed.stream && !this.parsed.clientWantsUsage) body.stream_options = { include_usage: true };
    return JSON.stringify(body);
  }

  private settleDone(ticket: Ticket, inputTokens: number, outputTokens: number): void {
    const doc = this.ctx.policies.current().doc;
    const prices = doc.models[ticket.model];
    const cost = prices ? costUsd(inputTokens, outputTokens, prices) : 0;
    if (this.prewarm) {
      // The operator's spend, not the tenant's: its own counter, no ledger or shared budget.
      this.ctx.metrics.prewarmCost.inc(cost);
      this.reply.header('x-sluice-prewarm-cost-usd', String(cost));
      if (this.global !== null)
        settleGlobally(this.ctx.limits!, this.global, { kind: 'done', inputTokens, outputTokens });
      return;
    }
    this.ctx.usage.count(this.tenant, 'completed');
    this.ctx.usage.spend(this.tenant, inputTokens, outputTokens, cost);
    const budget = doc.tenants[ticket.identity.tenant]?.budget;
    if (budget !== undefined && this.ctx.budgets !== null)
      void this.ctx.budgets.spend(ticket.identity.tenant, budget, cost);
    if (this.global !== null)
      settleGlobally(this.ctx.limits!, this.global, { kind: 'done', inputTokens, outputTokens });
  }

  private async attempt(
    ticket: Ticket,
  ): Promise<
    | { kind: 'sent' }
    | { kind: 'failed'; outcome: UpstreamOutcome; passThrough?: { status: number; body: string } }
  > {
    const { ctx } = this;
    const spec = ctx.policies.current().doc.backends[ticket.backend];
    const url = ticket.instanceUrl;
    if (url === undefined) return { kind: 'failed', outcome: { ok: false, kind: '5xx' } };
    if (ticket.attempts === 1 && ticket.dispatchedAt > ticket.arrivedAt)
      ctx.metrics.timeInQueue.observe({ backend: ticket.backend }, ticket.dispatchedAt - ticket.arrivedAt);
    let res: Dispatcher.ResponseData;
    try {
      res = await ctx.upstream.request({
        url,
        suffix: SUFFIX[this.parsed.endpoint],
        body: this.upstreamBody(ticket),
        apiKey: upstreamKey(spec?.apiKey),
        requestId: String(this.request.id),
        signal: this.abort,
        timeoutMs: spec?.timeout !== undefined ? parseDurationMs(spec.timeout) : DEFAULT_UPSTREAM_TIMEOUT_MS,
      });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return {
        kind: 'failed',
        outcome: { ok: false, kind: typeof code === 'string' && TIMEOUT_CODES.has(code) ? 'timeout' : '5xx' },
      };
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return this.parsed.stream ? await this.relayStream(ticket, res) : await this.relayJson(ticket, res);
    }
    const body = await res.body.text().catch(() => '');
    if (res.statusCode === 429)
      return {
        kind: 'failed',
        outcome: {
          ok: false,
          kind: '429',
          retryAfterMs: retryAfterMs(res.headers['retry-after'], ctx.driver.clock.now()),
        },
      };
    if (res.statusCode >= 500) return { kind: 'failed', outcome: { ok: false, kind: '5xx' } };
    return {
      kind: 'failed',
      outcome: { ok: false, kind: '4xx' },
      passThrough: { status: res.statusCode, body },
    };
  }

  private async relayJson(
    ticket: Ticket,
    res: Dispatcher.ResponseData,
  ): Promise<{ kind: 'sent' } | { kind: 'failed'; outcome: UpstreamOutcome }> {
    let buf: Buffer;
    try {
      buf = await readBody(res.body);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return {
        kind: 'failed',
        outcome: { ok: false, kind: typeof code === 'string' && TIMEOUT_CODES.has(code) ? 'timeout' : '5xx' },
      };
    }
    const usage = responseUsage(buf);
    const inputTokens = usage.inputTokens ?? this.parsed.inputTokens;
    const outputTokens = usage.outputTokens ?? 0;
    let outcome: UpstreamOutcome = { ok: true, inputTokens, outputTokens };
    if (this.parsed.cacheKey !== undefined) {
      try {
        outcome = {
          ok: true,
          inputTokens,
          outputTokens,
          cacheValue: JSON.parse(buf.toString('utf8')),
          cacheBytes: buf.length,
        };
      } catch {
        return { kind: 'failed', outcome: { ok: false, kind: '5xx' } };
      }
    }
    const step = this.ctx.driver.complete(ticket, outcome);
    if (step.kind !== 'done') await this.abandon(ticket, step);
    if (this.sharedCacheKey !== null && outcome.ok && outcome.cacheValue !== undefined) this.fillShared(buf);
    this.ctx.metrics.attempt(ticket.backend, 'ok');
    this.settleDone(ticket, inputTokens, outputTokens);
    if (this.clientGone) {
      this.finish('client_closed');
      return { kind: 'sent' };
    }
    this.finish('completed');
    this.reply
      .code(200)
      .header('content-type', 'application/json')
      .header('x-sluice-backend', ticket.backend)
      .send(buf);
    return { kind: 'sent' };
  }

  /** L2 fill: the body as the upstream sent it, for the policy's cache TTL. */
  private fillShared(buf: Buffer): void {
    const spec = this.ctx.policies.current().doc.cache;
    if (this.ctx.sharedCache === null || this.sharedCacheKey === null || spec === undefined) return;
    const ttlMs = spec.ttl !== undefined ? parseDurationMs(spec.ttl) : 300_000;
    this.ctx.sharedCache.set(this.sharedCacheKey, buf, ttlMs, spec.maxBytes);
  }

  private async relayStream(ticket: Ticket, res: Dispatcher.ResponseData): Promise<{ kind: 'sent' }> {
    const raw = this.reply.raw;
    this.reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': String(this.request.id),
      'x-sluice-backend': ticket.backend,
      'x-sluice-policy-version': String(ticket.policyVersion),
    });
    const relay = new SseRelay(!this.parsed.clientWantsUsage);
    let broken = false;
    try {
      for await (const chunk of res.body) {
        const out = relay.push(chunk as Buffer);
        if (out !== '' && !this.clientGone) raw.write(out);
      }
    } catch {
      broken = !this.clientGone;
    }
    const rest = relay.end();
    if (!this.clientGone) raw.end(rest);
    const inputTokens = relay.usage.inputTokens ?? this.parsed.inputTokens;
    const outputTokens = relay.usage.outputTokens;
    // A stream cut by the upstream counts as its failure (breaker, balancer), but cannot be retried:
    // the client already has part of the answer.
    const step = this.ctx.driver.complete(
      ticket,
      broken ? { ok: false, kind: '5xx' } : { ok: true, inputTokens, outputTokens },
    );
    await this.abandon(ticket, step);
    this.ctx.metrics.attempt(ticket.backend, broken ? '5xx' : 'ok');
    this.settleDone(ticket, inputTokens, outputTokens);
    this.finish(this.clientGone ? 'client_closed' : broken ? 'failed' : 'completed');
    return { kind: 'sent' };
  }
}

/** The whole body as one Buffer (plain 'data' events: fewer promise and stream hops than body.arrayBuffer()). */
function readBody(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: Buffer) => chunks.push(c));
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    body.once('error', reject);
  });
}

export async function handleProxy(
  ctx: ProxyContext,
  endpoint: Endpoint,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const started = ctx.driver.clock.now();
  reply.header('x-request-id', String(request.id));
  const apiKey = bearerKey(request.headers.authorization);
  if (apiKey === null) {
    ctx.metrics.requests.inc({ outcome: 'invalid', tenant: '-', model: '-', arm: 'control' });
    return sendError(reply, 'SLUICE_UNAUTHORIZED', 'Missing API key: send "Authorization: Bearer <key>".');
  }
  let parsed: ParsedRequest;
  try {
    parsed = parseOpenAIRequest(endpoint, request.body, ctx.policies.current().doc.cache?.enabled === true);
  } catch (e) {
    if (!isSluiceError(e)) throw e;
    ctx.metrics.requests.inc({ outcome: 'invalid', tenant: '-', model: '-', arm: 'control' });
    return sendError(reply, e.code, e.message);
  }
  const prewarm = isPrewarm(request.headers[PREWARM_HEADER], ctx.prewarmToken);
  const run = new RequestRun(ctx, parsed, request, reply, started, prewarm);
  if (ctx.concurrency === null) return await run.run(apiKey);
  try {
    return await run.run(apiKey);
  } finally {
    run.releaseShared();
  }
}
