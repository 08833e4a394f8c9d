/**
 * The composition root of live mode, shared by `sluice controller` and the live test: the
 * adaptive controller, InfluxDB telemetry, the gateways' admin API and the Redis leader lock,
 * wired into one LiveController.
 *
 * Defaults for a live fleet: the canary splits by request id (every API key is split, so a
 * fleet with few keys still gets canary traffic); the canary's look budget, the telemetry
 * lookback and the lock ttl are counted in control intervals.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Redis } from 'ioredis';
import { AdaptiveController, type AdaptiveOptions } from '../adaptive-controller.js';
import type { ControllerMode } from '../controller-mode.js';
import { AuditLog, type AuditSink } from '../rollout/audit-log.js';
import { type CanarySplit, GatewayAdminActuator } from './gateway-admin-actuator.js';
import { GatewayCacheDemandSource } from './gateway-cache-demand.js';
import { InfluxTelemetrySource } from './influx-telemetry-source.js';
import { LeaderLock } from './leader-lock.js';
import { LiveController } from './live-controller.js';
import { ScaleExport } from './scale-export.js';

export interface LiveSetupOptions {
  id?: string;
  gateways: readonly string[];
  adminToken: string;
  influx: { url: string; databases?: readonly string[]; settleMs?: number };
  /** Redis URL for leader election (null: no election, always leader). */
  redis: string | null;
  lockKey?: string;
  /** Lock ttl (default 3 control intervals, at least 1 s). */
  lockTtlMs?: number;
  intervalMs: number;
  dryRun?: boolean;
  splitBy?: CanarySplit;
  audit: AuditSink;
  /** Adaptive mode settings (capacity, judge, rollout, guardrails...). */
  adaptive?: Partial<Omit<AdaptiveOptions, 'intervalMs' | 'audit'>>;
  /**
   * Cache pre-warming in adaptive mode (default on, k = 32 keys per interval): per-key demand
   * read from the gateways' admin API, the planned keys sent back to them. The gateways whose
   * policy has no cache report no demand, so nothing is planned for them. false: off.
   */
  prewarm?: { k?: number } | false;
  /**
   * Where scale-ahead goes (a gateway owns no instances): the controller's Prometheus metrics
   * (sluice_desired_replicas, sluice_scale_down_floor) served on `metricsPort` at /metrics, and
   * a webhook POSTed on each change (scale-export.ts). Scaling needs `adaptive.backends`.
   */
  scale?: { webhook?: string; metricsPort?: number; metricsHost?: string };
  /** Another mode instead of the adaptive controller (baselines, or a scripted candidate in tests). */
  mode?: (audit: AuditLog) => ControllerMode;
  log?: (msg: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

export interface LiveSetup {
  controller: LiveController;
  mode: ControllerMode;
  actuator: GatewayAdminActuator;
  telemetry: InfluxTelemetrySource;
  /** The gateways' cache demand (adaptive mode with pre-warming on), else null. */
  cacheDemand: GatewayCacheDemandSource | null;
  lock: LeaderLock | null;
  audit: AuditLog;
  scale: ScaleExport;
  /** The /metrics server's URL once started (null without `scale.metricsPort`). */
  metricsUrl(): string | null;
  /** Waits (up to 2 s) for Redis, then takes the lock or stands by, and starts the loop. */
  start(): Promise<void>;
  /** Stops the loop (releasing the lock unless `release: false`) and closes Redis. */
  close(options?: { release?: boolean }): Promise<void>;
}

export function buildLiveController(o: LiveSetupOptions): LiveSetup {
  const id = o.id ?? `controller-${randomBytes(3).toString('hex')}`;
  const now = o.now ?? Date.now;
  const audit = new AuditLog(o.audit);
  const dryRun = o.dryRun ?? false;
  const timeoutMs = Math.max(500, Math.min(5000, o.intervalMs / 2));
  const prewarmK = o.prewarm === false ? 0 : (o.prewarm?.k ?? 32);
  const cacheDemand =
    o.mode === undefined && o.prewarm !== false
      ? new GatewayCacheDemandSource({
          gateways: o.gateways,
          adminToken: o.adminToken,
          timeoutMs,
          stateLookbackMs: 3 * o.intervalMs,
        })
      : null;
  const mode =
    o.mode?.(audit) ??
    new AdaptiveController({
      ...(cacheDemand !== null ? { cache: { source: cacheDemand, k: prewarmK } } : {}),
      ...o.adaptive,
      intervalMs: o.intervalMs,
      audit,
      guardrails: { ...o.adaptive?.guardrails, dryRun },
      rollout: { ...o.adaptive?.rollout, dryRun },
    });
  const scale = new ScaleExport({ controllerId: id, webhook: o.scale?.webhook, timeoutMs, now });
  const actuator = new GatewayAdminActuator({
    gateways: o.gateways,
    adminToken: o.adminToken,
    splitBy: o.splitBy ?? 'requestId',
    timeoutMs,
    now,
    dryRun,
    prewarmTargets: cacheDemand !== null ? (key) => cacheDemand.targets(key) : undefined,
    scale,
  });
  const telemetry = new InfluxTelemetrySource({
    url: o.influx.url,
    databases: o.influx.databases,
    settleMs: o.influx.settleMs,
  });
  let redis: Redis | null = null;
  let lock: LeaderLock | null = null;
  if (o.redis !== null) {
    const ttlMs = o.lockTtlMs ?? Math.max(1000, 3 * o.intervalMs);
    redis = new Redis(o.redis, {
      commandTimeout: Math.max(100, Math.floor(ttlMs / 4)),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
    });
    // Connection trouble shows as lock errors (and lost leadership), not as unhandled events.
    redis.on('error', () => {});
    lock = new LeaderLock({ redis, id, key: o.lockKey, ttlMs, now: () => performance.now() });
  }
  let metrics: Server | null = null;
  const maxLooks = o.adaptive?.rollout?.maxLooks ?? 40;
  const controller = new LiveController({
    id,
    mode,
    telemetry,
    actuator,
    lock,
    cacheDemand: cacheDemand ?? undefined,
    intervalMs: o.intervalMs,
    lookbackMs: (maxLooks + 2) * o.intervalMs,
    audit,
    log: o.log,
    now,
  });
  return {
    controller,
    mode,
    actuator,
    telemetry,
    cacheDemand,
    lock,
    audit,
    scale,
    metricsUrl() {
      const addr = metrics?.address();
      return typeof addr === 'object' && addr !== null ? `http://${addr.address}:${addr.port}` : null;
    },
    async start() {
      if (o.scale?.metricsPort !== undefined && metrics === null) {
        const server = createServer((req, res) => {
          if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
            res.writeHead(404).end();
            return;
          }
          scale.registry.metrics().then(
            (text) => res.writeHead(200, { 'content-type': scale.registry.contentType }).end(text),
            () => res.writeHead(500).end(),
          );
        });
        metrics = server;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(o.scale?.metricsPort, o.scale?.metricsHost ?? '127.0.0.1', () => resolve());
        });
      }
      if (redis !== null && redis.status !== 'ready') {
        const r = redis;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          r.once('ready', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      await controller.start();
    },
    async close(options = {}) {
      await controller.stop(options);
      const server = metrics;
      metrics = null;
      if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
      redis?.disconnect();
    },
  };
}
