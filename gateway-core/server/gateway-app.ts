/**
 * The composition root of the HTTP gateway: `buildGateway(options)` wires the engine (on the wall
 * clock), the upstream pools, shared limits and policy distribution (Redis), telemetry (InfluxDB,
 * Prometheus, pino, audit log) and the routes, and returns the fastify instance (ready for
 * `listen()` or `inject()`). `app.close()` drains: new requests get 503, in-flight ones finish,
 * then telemetry is flushed and connections closed.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import { parse as parseYaml } from 'yaml';
import { SluiceError } from '../errors.js';
import { PolicyStore } from '../policy/version.js';
import { registerAdminRoutes } from './admin-routes.js';
import { CacheDemand } from './cache-demand/cache-demand.js';
import { CachePrewarmer } from './cache-demand/cache-prewarmer.js';
import { EngineDriver } from './engine-driver.js';
import { sendError } from './openai-error.js';
import type { Endpoint } from './openai-request.js';
import { PolicyManager } from './policy-manager.js';
import { bearerKey, handleProxy, type ProxyContext } from './proxy-handler.js';
import { type CoordinationMode, DistributedLimits } from './redis/distributed-limits.js';
import { PolicyBus } from './redis/policy-bus.js';
import { connectRedis, waitReady } from './redis/redis-client.js';
import { SharedBudgets } from './redis/shared-budget.js';
import { SharedCache } from './redis/shared-cache.js';
import { type ConcurrencyFailMode, SharedConcurrency } from './redis/shared-concurrency.js';
import { AuditLog } from './telemetry/audit-log.js';
import { GatewayMetrics } from './telemetry/gateway-metrics.js';
import { InfluxWriter } from './telemetry/influx-writer.js';
import { UpstreamClient } from './upstream-client.js';
import { UsageLedger } from './usage-ledger.js';
import { WallClock } from './wall-clock.js';

export interface GatewayOptions {
  /** The policy document (validated here: an invalid one throws SLUICE_POLICY_INVALID). */
  policy: unknown;
  /** Bearer token for /admin/* (admin off when absent). */
  adminToken?: string;
  redis?: {
    url: string;
    /** Shared limits: exact (a Lua call per decision) or leased (default exact). */
    mode?: CoordinationMode;
    leaseSize?: number;
    leaseTtlMs?: number;
    /** Distribute policy changes by pub/sub (default true). */
    distributePolicy?: boolean;
    commandTimeoutMs?: number;
    /** Fleet-wide concurrency limits: lease life (default 10 s) and what happens while Redis is down (default open). */
    concurrencyLeaseMs?: number;
    concurrencyFailMode?: ConcurrencyFailMode;
    /** The response cache's shared tier (default on when the policy enables the cache). */
    sharedCache?: boolean;
    /** Largest response stored in the shared tier (default 1 MiB; the policy's cache.maxBytes caps it too). */
    sharedCacheMaxEntryBytes?: number;
  };
  influx?: { url: string; database?: string; maxBuffered?: number };
  /** JSONL audit log file (in memory only when absent). */
  auditFile?: string;
  /** pino level (default 'info'; 'silent' in tests). */
  logLevel?: string;
  replicaId?: string;
  /** Quick-start mode (see quick-start-policy.ts): any bearer key runs as this key on this model. */
  quickStart?: { key: string; model: string };
  telemetryIntervalMs?: number;
  /** Largest body fastify reads (default 16 MiB; the policy's maxBodyBytes is checked too). */
  bodyLimitBytes?: number;
  upstreamConnections?: number;
  /**
   * Per-cache-key demand tracking for pre-warming (only cacheable requests are counted): window
   * length (default the telemetry interval), top k keys per window (default 256), closed
   * windows kept (default 30), replay book bounds; false turns it off.
   */
  cacheDemand?:
    | {
        windowMs?: number;
        k?: number;
        retain?: number;
        replayMaxBytes?: number;
        replayMaxEntryBytes?: number;
      }
    | false;
  /** Pre-warm requests run at once (default 4). */
  prewarmConcurrency?: number;
}

export interface GatewayState {
  driver: EngineDriver;
  policies: PolicyManager;
  metrics: GatewayMetrics;
  usage: UsageLedger;
  audit: AuditLog;
  limits: DistributedLimits | null;
  concurrency: SharedConcurrency | null;
  sharedCache: SharedCache | null;
  influx: InfluxWriter | null;
  cacheDemand: CacheDemand | null;
  replicaId: string;
  draining: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    sluice: GatewayState;
  }
  interface FastifyRequest {
    /** The JSON body as received, forwarded as is when the gateway changes nothing in it. */
    rawBody?: Buffer;
  }
}

const ROUTES: [string, Endpoint][] = [
  ['/v1/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
  ['/v1/embeddings', 'embeddings'],
];

export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const replicaId = opts.replicaId ?? `gw-${randomBytes(3).toString('hex')}`;
  const store = new PolicyStore(new WallClock());
  const first = store.propose(opts.policy, 'startup');
  if (!first.ok)
    throw new SluiceError(
      'SLUICE_POLICY_INVALID',
      `policy invalid: ${first.errors.length} problem(s)`,
      first.errors,
    );
  const driver = new EngineDriver({
    policy: first.version.doc,
    version: first.version.version,
    telemetryIntervalMs: opts.telemetryIntervalMs,
  });
  const metrics = new GatewayMetrics();
  const usage = new UsageLedger();
  const audit = new AuditLog(opts.auditFile ?? null);
  let reqSeq = 0;
  const reqPrefix = randomBytes(4).toString('hex');
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'info', base: { replica: replicaId } },
    // Per-request log lines cost more CPU than the policy engine; errors and policy events are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimitBytes ?? 16 * 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => `${reqPrefix}-${(++reqSeq).toString(36)}`,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const log = (msg: string, fields: Record<string, unknown>): void => app.log.info(fields, msg);
  const policies = new PolicyManager(driver, first.version, store, audit, metrics, replicaId, log);
  audit.write({
    time: new Date(driver.clock.now()).toISOString(),
    action: 'apply',
    version: first.version.version,
    hash: first.version.hash,
    by: 'startup',
    details: [],
  });

  // Redis: shared limits and policy distribution.
  const redisClients: Redis[] = [];
  let limits: DistributedLimits | null = null;
  let budgets: SharedBudgets | null = null;
  let concurrency: SharedConcurrency | null = null;
  let sharedCache: SharedCache | null = null;
  let bus: PolicyBus | null = null;
  if (opts.redis) {
    const client = connectRedis(opts.redis.url, {
      name: replicaId,
      commandTimeoutMs: opts.redis.commandTimeoutMs,
    });
    redisClients.push(client);
    await waitReady(client).catch((e: unknown) =>
      app.log.warn({ error: String(e) }, 'Redis not ready at start; limits run on their fail modes'),
    );
    limits = new DistributedLimits({
      client,
      mode: opts.redis.mode ?? 'exact',
      leaseSize: opts.redis.leaseSize,
      leaseTtlMs: opts.redis.leaseTtlMs,
      now: () => driver.clock.now(),
      onHealth: (up, reason) => {
        metrics.redisUp.set(up ? 1 : 0);
        if (up) app.log.info({ reason }, 'Redis reachable again: shared limits back in force');
        else
          app.log.warn(
            { reason },
            'Redis unreachable: limits run on their fail modes (open: local limit, closed: refuse)',
          );
      },
      onFallback: (l, source) => metrics.limitFallback.inc({ limit: l.id, source }),
    });
    if (client.status !== 'ready') metrics.redisUp.set(0);
    // Exact mode reads the shared spend on every request; leased mode reuses it for 250 ms.
    budgets = new SharedBudgets(
      client,
      () => driver.clock.now(),
      (opts.redis.mode ?? 'exact') === 'exact' ? 0 : 250,
    );
    concurrency = new SharedConcurrency({
      client,
      leaseMs: opts.redis.concurrencyLeaseMs,
      failMode: opts.redis.concurrencyFailMode,
      now: () => driver.clock.now(),
      onHealth: (up, reason) => {
        if (up) app.log.info({ reason }, 'Redis reachable again: shared concurrency limits back in force');
        else
          app.log.warn(
            { reason, failMode: opts.redis?.concurrencyFailMode ?? 'open' },
            'Redis unreachable: concurrency limits run on their fail mode (open: per replica, closed: refuse)',
          );
      },
      onFallback: (scope, source) =>
        metrics.limitFallback.inc({ limit: `concurrency:${scope.scope}`, source }),
    });
    if (opts.redis.sharedCache !== false)
      sharedCache = new SharedCache({
        client,
        maxEntryBytes: opts.redis.sharedCacheMaxEntryBytes,
        now: () => driver.clock.now(),
        onResult: (result) => metrics.cacheShared.inc({ result }),
      });
    if (opts.redis.distributePolicy !== false) {
      const sub = connectRedis(opts.redis.url, { name: `${replicaId}-sub` });
      redisClients.push(sub);
      bus = new PolicyBus(client, sub, (p) => policies.onRemote(p));
      policies.bus = bus;
      await bus
        .start()
        .catch((e: unknown) =>
          app.log.warn({ error: String(e) }, 'policy bus not started; catching up later'),
        );
    }
  }

  const influx = opts.influx
    ? new InfluxWriter({
        url: opts.influx.url,
        database: opts.influx.database,
        maxBuffered: opts.influx.maxBuffered,
        replica: replicaId,
        onDrop: (n, reason) => metrics.telemetryDropped.inc({ reason }, n),
      })
    : null;

  const upstream = new UpstreamClient(opts.upstreamConnections ?? 128);
  const demandOpts = opts.cacheDemand === false ? null : (opts.cacheDemand ?? {});
  const cacheDemand =
    demandOpts === null
      ? null
      : new CacheDemand({
          windowMs: demandOpts.windowMs ?? opts.telemetryIntervalMs ?? 10_000,
          k: demandOpts.k ?? 256,
          retain: demandOpts.retain ?? 30,
          replay: {
            maxBytes: demandOpts.replayMaxBytes,
            maxEntryBytes: demandOpts.replayMaxEntryBytes,
          },
        });
  // Marks the gateway's own pre-warm requests; never leaves this process.
  const prewarmToken = randomBytes(16).toString('hex');
  const state: GatewayState = {
    driver,
    policies,
    metrics,
    usage,
    audit,
    limits,
    concurrency,
    sharedCache,
    influx,
    cacheDemand,
    replicaId,
    draining: false,
  };
  app.decorate('sluice', state);

  // Telemetry: closed intervals to Prometheus and InfluxDB; pool gauges (backpressure signals).
  const pushTelemetry = (records: ReturnType<typeof driver.engine.drainTelemetry>): void => {
    if (records.length === 0) return;
    metrics.observeRecords(records);
    if (influx !== null) {
      influx.enqueue(records);
      void influx.flush();
    }
  };
  const samplePools = (): void => {
    const doc = policies.current().doc;
    for (const b of driver.engine.backendNames()) {
      const snap = driver.engine.backendSnapshot(b);
      if (snap === null) continue;
      const active = snap.instances.filter((i) => !i.draining).length;
      metrics.observePool(
        b,
        { queueDepth: snap.queueDepth, inFlight: snap.inFlight, instances: active },
        doc.backends[b]?.maxConcurrencyPerInstance ?? 64,
      );
    }
  };
  const telemetryTimer = setInterval(() => {
    pushTelemetry(driver.engine.drainTelemetry());
    samplePools();
  }, 1000);
  telemetryTimer.unref();
  const syncTimer = bus !== null ? setInterval(() => void policies.sync(), 2000) : null;
  syncTimer?.unref();

  // Errors in OpenAI's shape, whatever raised them.
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413)
      return sendError(
        reply,
        'SLUICE_TOO_LARGE',
        `The request body is larger than the gateway accepts (${err.message}).`,
      );
    if (status >= 400 && status < 500)
      return sendError(reply, 'SLUICE_BAD_REQUEST', `Malformed request: ${err.message}`);
    app.log.error({ err }, 'unhandled error');
    return sendError(reply, 'SLUICE_INTERNAL', 'Internal gateway error.');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'SLUICE_NOT_FOUND', `No route ${request.method} ${request.url}.`),
  );
  // JSON bodies: keep the bytes (forwarded unchanged when possible) and parse once. A body with
  // a __proto__ key is refused rather than risk prototype pollution further on.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const buf = body as Buffer;
    if (buf.includes('__proto__')) {
      done(Object.assign(new Error('a "__proto__" key is not allowed'), { statusCode: 400 }), undefined);
      return;
    }
    try {
      request.rawBody = buf;
      done(null, JSON.parse(buf.toString('utf8')));
    } catch (e) {
      done(
        Object.assign(new Error(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`), {
          statusCode: 400,
        }),
        undefined,
      );
    }
  });
  for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseYaml(body as string));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
  }

  const ctx: ProxyContext = {
    driver,
    policies,
    upstream,
    metrics,
    usage,
    limits,
    budgets,
    concurrency,
    sharedCache,
    quickStart: opts.quickStart ?? null,
    demand: cacheDemand,
    prewarmToken,
  };
  for (const [path, endpoint] of ROUTES) {
    app.post(path, (request, reply) => handleProxy(ctx, endpoint, request, reply));
  }

  app.get('/v1/models', async (request, reply) => {
    const key = bearerKey(request.headers.authorization);
    const apiKey = key === null ? null : (opts.quickStart?.key ?? key);
    const id = key === null || apiKey === null ? null : policies.resolver.identify(apiKey);
    if (id === null) return sendError(reply, 'SLUICE_UNAUTHORIZED', 'Unknown or missing API key.');
    const models = Object.keys(policies.current().doc.models).filter((m) => {
      const allowed = policies.resolver.effective(id.keyId, m).allowedModels;
      return allowed === null || allowed.includes(m);
    });
    return {
      object: 'list',
      data: models.map((m) => ({ id: m, object: 'model', created: 0, owned_by: 'sluice' })),
    };
  });

  // A tenant's own usage (never another tenant's).
  app.get('/v1/usage', async (request, reply) => {
    const key = bearerKey(request.headers.authorization);
    const id = key === null || opts.quickStart !== undefined ? null : policies.resolver.identify(key);
    if (id === null) return sendError(reply, 'SLUICE_UNAUTHORIZED', 'Unknown or missing API key.');
    return { tenant: id.tenant, usage: usage.get(id.tenant) };
  });

  app.get('/metrics', async (_request, reply) => {
    samplePools();
    reply.header('content-type', metrics.registry.contentType);
    return await metrics.registry.metrics();
  });
  app.get('/healthz', async () => ({ status: 'ok', replica: replicaId }));
  app.get('/readyz', async (_request, reply) => {
    if (state.draining) return reply.code(503).send({ status: 'draining' });
    return {
      status: 'ready',
      policyVersion: policies.current().version,
      redis: limits === null ? null : limits.redisUp,
    };
  });

  const cache =
    cacheDemand === null
      ? undefined
      : {
          replicaId,
          demand: cacheDemand,
          driver,
          policies,
          sharedCache,
          prewarmer: new CachePrewarmer({
            app,
            replay: cacheDemand.replay,
            cache: () => driver.engine.cache,
            enabled: () => policies.current().doc.cache?.enabled === true,
            token: prewarmToken,
            now: () => driver.clock.now(),
            concurrency: opts.prewarmConcurrency,
            onOutcome: (outcome) => metrics.prewarm.inc({ outcome }),
          }),
        };
  registerAdminRoutes(app, { adminToken: opts.adminToken ?? null, policies, driver, usage, audit, cache });

  app.addHook('preClose', async () => {
    state.draining = true;
  });
  app.addHook('onClose', async () => {
    clearInterval(telemetryTimer);
    if (syncTimer !== null) clearInterval(syncTimer);
    driver.stop();
    concurrency?.stop();
    pushTelemetry(driver.engine.flushTelemetry());
    if (influx !== null)
      await Promise.race([influx.flushAll(), new Promise((r) => setTimeout(r, 2000).unref())]);
    await bus?.stop();
    await upstream.close();
    for (const c of redisClients) c.disconnect();
  });
  return app;
}
