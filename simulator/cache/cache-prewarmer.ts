/**
 * Cache pre-warming in the simulation: for each key a controller names, the gateway makes the
 * upstream call for that key's last seen request itself and stores the answer when it comes
 * back, as a client's miss would have:
 *
 *   key -> exemplar request (CacheDemand) -> the model's first backend -> its least-loaded
 *   usable instance -> pool.send(flight) ... finish -> engine.cache.set(key, answer, now)
 *
 * The call is real work: it occupies a sequence on a self-hosted instance (and slows that
 * instance's batch) or a call of an API's rate limit, is charged like a client's call (API
 * tokens at the model's prices) and can fail or time out. It is not a client request: it is
 * not in the telemetry or the request counts, but in the summary's `prewarm`.
 * Lowest priority: a key is skipped (not deferred) when work already queues for the backend,
 * when every usable instance is at its concurrency cap (counting pre-warms in flight), when its
 * previous pre-warm is still in flight, or when no request for it is remembered.
 * Routing rules are not applied: the entry is made by the model's primary backend.
 */
import { costUsd } from '../../gateway-core/budgets/pricing.js';
import type { PolicyEngine } from '../../gateway-core/engine/policy-engine.js';
import type { UpstreamOutcome } from '../../gateway-core/engine/types.js';
import { Flight, type UpstreamPool } from '../backends/upstream.js';
import type { Environment } from '../kernel/environment.js';
import type { CacheDemand } from './cache-demand.js';

/** The run summary's `prewarm`. */
export interface PrewarmSummary {
  /** Keys asked for. */
  requested: number;
  /** Upstream calls made. */
  calls: number;
  completed: number;
  failed: number;
  /** Keys not called (see the module comment). */
  skipped: number;
  /** Entries stored in the cache. */
  stored: number;
  inputTokens: number;
  outputTokens: number;
  /** API token charges of the calls (self-hosted calls cost instance time, already billed). */
  costUsd: number;
}

/** Bytes a pre-warmed entry takes, as the engine stores an answer without a size. */
const ENTRY_BYTES = 1024;

export class CachePrewarmer {
  private readonly s: PrewarmSummary = {
    requested: 0,
    calls: 0,
    completed: 0,
    failed: 0,
    skipped: 0,
    stored: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
  private readonly pending = new Set<string>();
  /** Pre-warm calls in flight per instance (the engine counts only clients'). */
  private readonly inFlight = new Map<string, number>();
  private readonly onTimeout = (f: Flight) => {
    if (!f.settled) this.finish(f, { ok: false, kind: 'timeout' });
  };

  constructor(
    private readonly env: Environment,
    private readonly pools: ReadonlyMap<string, UpstreamPool>,
    private readonly engine: PolicyEngine,
    private readonly demand: CacheDemand,
    private readonly timeoutsMs: ReadonlyMap<string, number>,
  ) {}

  /** Whether a pre-warm of `key` is in flight. */
  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  /** Starts one upstream call per key that can be made now; returns how many started. */
  prewarm(keys: readonly string[]): number {
    let started = 0;
    for (const key of keys) {
      this.s.requested++;
      if (this.start(key)) started++;
      else this.s.skipped++;
    }
    return started;
  }

  private start(key: string): boolean {
    if (this.pending.has(key)) return false;
    const req = this.demand.exemplar(key);
    if (req === undefined) return false;
    const doc = this.engine.policy;
    const backend = doc.models[req.model]?.backends[0];
    const pool = backend === undefined ? undefined : this.pools.get(backend);
    if (backend === undefined || pool === undefined) return false;
    const instance = this.pick(backend);
    if (instance === null) return false;
    const now = this.env.now();
    const flight = new Flight(null, req, instance, now);
    this.pending.add(key);
    this.inFlight.set(instance, (this.inFlight.get(instance) ?? 0) + 1);
    this.s.calls++;
    const timeout = this.timeoutsMs.get(backend) ?? Number.POSITIVE_INFINITY;
    if (timeout < Number.POSITIVE_INFINITY) this.env.timeout(timeout, this.onTimeout, flight);
    pool.send(flight);
    return true;
  }

  /** The usable instance with the fewest calls in flight, if one has a free slot and nothing queues. */
  private pick(backend: string): string | null {
    const snap = this.engine.backendSnapshot(backend);
    if (snap === null || snap.queueDepth > 0) return null;
    const cap = this.engine.policy.backends[backend]?.maxConcurrencyPerInstance ?? Number.POSITIVE_INFINITY;
    let best: string | null = null;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const i of snap.instances) {
      if (i.draining || i.ejected || i.breaker === 'open') continue;
      const load = i.inFlight + (this.inFlight.get(i.id) ?? 0);
      if (load < bestLoad) {
        best = i.id;
        bestLoad = load;
      }
    }
    return best !== null && bestLoad < cap ? best : null;
  }

  /** A pool answers a pre-warm call (or its timeout fires first). */
  finish(flight: Flight, outcome: UpstreamOutcome): void {
    if (flight.settled) return;
    flight.settled = true;
    const req = flight.request;
    const key = req.cacheKey;
    if (key !== undefined) this.pending.delete(key);
    const left = (this.inFlight.get(flight.instanceId) ?? 1) - 1;
    if (left > 0) this.inFlight.set(flight.instanceId, left);
    else this.inFlight.delete(flight.instanceId);
    if (!outcome.ok) {
      this.s.failed++;
      return;
    }
    this.s.completed++;
    this.s.inputTokens += outcome.inputTokens;
    this.s.outputTokens += outcome.outputTokens;
    const doc = this.engine.policy;
    const model = doc.models[req.model];
    const backend = model?.backends[0];
    if (model !== undefined && backend !== undefined && this.pools.get(backend)?.kind === 'api')
      this.s.costUsd += costUsd(outcome.inputTokens, outcome.outputTokens, model);
    const cache = this.engine.cache;
    if (key !== undefined && cache !== null && doc.cache?.enabled === true)
      this.s.stored += cache.prewarm(
        [{ key, value: outcome.cacheValue ?? 1, bytes: outcome.cacheBytes ?? ENTRY_BYTES }],
        this.env.now(),
      );
  }

  summary(): PrewarmSummary {
    return { ...this.s, costUsd: Math.round(this.s.costUsd * 1e6) / 1e6 };
  }
}
