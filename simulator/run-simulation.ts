/**
 * One simulation run: a scenario (policy, workload, backends, faults, scaling) on a virtual
 * clock, with a seed, for a duration; returns the run summary of CONTRACTS.md.
 *
 *   arrivals (streams or a trace) -> SimulatedGateway (the real PolicyEngine) -> pool models
 *   every control interval: engine telemetry -> telemetrySink, onInterval(env, engine, ...)
 *   with `cacheDemand`: per-key demand of cacheable requests, and ctx.prewarm(keys) (the
 *   gateway's own upstream calls that refill the cache: cache/cache-prewarmer.ts)
 *
 * Randomness: one SeededRng per component, forked from the seed in a fixed order, so adding
 * traffic to one stream does not reshuffle another. The wall clock is read only through the
 * optional `wallClock` the caller passes (the CLI), so the summary is the same for a seed.
 */
import { PolicyEngine } from '../gateway-core/engine/policy-engine.js';
import { parseDurationMs as policyDurationMs } from '../gateway-core/policy/duration.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { SeededRng } from '../gateway-core/rng.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { readTrace, type TraceReadOptions, type TraceRow } from '../datasets/traces/trace-reader.js';
import { ApiBackend } from './backends/api-backend.js';
import { FaultSchedule } from './backends/fault-schedule.js';
import { LlmPool } from './backends/llm-pool.js';
import { StationBackend } from './backends/station-backend.js';
import type { UpstreamPool } from './backends/upstream.js';
import type { CacheDemand } from './cache/cache-demand.js';
import { CachePrewarmer } from './cache/cache-prewarmer.js';
import { Environment, URGENT } from './kernel/environment.js';
import { parseDurationMs } from './scenario/duration.js';
import { buildSummary, type RunSummary } from './run-summary.js';
import { RunStats } from './run-stats.js';
import { Autoscaler } from './scaling/autoscaler.js';
import { ScalingActuator } from './scaling/scaling-actuator.js';
import type { Scenario } from './scenario/scenario.js';
import { SimulatedGateway } from './simulated-gateway.js';
import { createArrivals } from './workloads/arrival-factory.js';
import { RequestMix } from './workloads/request-mix.js';
import { TraceReplay } from './workloads/trace-replay.js';

export interface TraceOption extends TraceReadOptions {
  file: string;
  speedup?: number;
  scale?: number;
}

export interface SimulationContext {
  env: Environment;
  engine: PolicyEngine;
  /** Autoscalers by pool: a controller may call setScaleAhead on them. */
  autoscalers: ReadonlyMap<string, Autoscaler>;
  /** Apply a new control policy (keeps API pricing in step). */
  applyPolicy(doc: PolicyDocument): { version: number; hash: string };
  /**
   * Pre-warm these cache keys: one upstream call each for the key's last seen request, stored
   * in the cache when it answers; returns the calls started. Only with options.cacheDemand.
   */
  prewarm?(keys: readonly string[]): number;
}

export interface SimulationProgress {
  simulatedMs: number;
  durationMs: number;
  requests: number;
  /** Requests that have left the gateway (answered, refused, failed or timed out). */
  departed: number;
}

export interface SimulationOptions {
  seed: number;
  /** Simulated duration, ms (the scenario's when absent). */
  durationMs?: number;
  /** The same as a duration (seconds, or `90s`, `30m`, `1h`, `1d`), when durationMs is absent. */
  duration?: number | string;
  /** Replaces the scenario's inline policy. */
  policyDoc?: PolicyDocument;
  /** Name to report as `policy` (default: "scenario" or "file"). */
  policyName?: string;
  trace?: TraceOption;
  telemetrySink?: (records: IntervalRecord[]) => void;
  onProgress?: (p: SimulationProgress) => void;
  /** Called every control interval (the telemetry interval) after telemetry is drained. */
  onInterval?: (env: Environment, engine: PolicyEngine, ctx: SimulationContext) => void;
  controlIntervalMs?: number;
  /**
   * Count cacheable requests per key into this CacheDemand (closed every control interval) and
   * offer ctx.prewarm. Absent: no per-request work, no pre-warming.
   */
  cacheDemand?: CacheDemand;
  /** Wall clock in ms (performance.now), only to report wallSeconds; null wallSeconds without it. */
  wallClock?: () => number;
}

function buildPools(
  scenario: Scenario,
  policy: PolicyDocument,
  env: Environment,
  root: SeededRng,
  gw: { finish: SimulatedGateway['finish'] },
): Map<string, UpstreamPool> {
  const pools = new Map<string, UpstreamPool>();
  const finish: SimulatedGateway['finish'] = (f, o) => gw.finish(f, o);
  for (const name of Object.keys(policy.backends).sort()) {
    const spec = scenario.backends[name];
    if (spec === undefined)
      throw new RangeError(
        `scenario ${scenario.name}: no backend model for pool "${name}" (add it under backends:)`,
      );
    const rng = root.fork();
    if (spec.kind === 'llm') {
      const pool = new LlmPool(name, spec, env, rng, finish);
      for (const i of policy.backends[name].instances) pool.addReady(i.id);
      pools.set(name, pool);
    } else if (spec.kind === 'api') pools.set(name, new ApiBackend(name, spec, env, rng, finish));
    else pools.set(name, new StationBackend(name, spec, env, rng, finish));
  }
  return pools;
}

export async function runSimulation(scenario: Scenario, options: SimulationOptions): Promise<RunSummary> {
  const wall0 = options.wallClock?.() ?? null;
  const durationMs =
    options.durationMs ??
    (options.duration !== undefined ? parseDurationMs(options.duration, 'duration') : scenario.durationMs);
  if (!(durationMs > 0)) throw new RangeError(`duration must be > 0 ms, got ${durationMs}`);
  const policy = options.policyDoc ?? scenario.policy;
  const root = new SeededRng(options.seed);
  const env = new Environment(0);
  const sloMs = new Map(Object.entries(policy.tiers).map(([k, v]) => [k, v.sloMs]));
  const stats = new RunStats(sloMs);

  // Pools, then the gateway that finishes their flights, then the engine it drives.
  let gateway: SimulatedGateway | null = null;
  const pools = buildPools(scenario, policy, env, root, { finish: (f, o) => gateway?.finish(f, o) });
  const timeouts = new Map<string, number>();
  for (const [name, b] of Object.entries(policy.backends))
    if (b.timeout !== undefined) timeouts.set(name, policyDurationMs(b.timeout));
  gateway = new SimulatedGateway(env, pools, stats, policy, timeouts);
  const intervalMs =
    options.controlIntervalMs ??
    (policy.telemetry?.interval !== undefined ? policyDurationMs(policy.telemetry.interval) : 10_000);
  const engine = new PolicyEngine({
    policy,
    clock: env,
    rng: root.fork(),
    listener: gateway,
    telemetryIntervalMs: intervalMs,
  });
  gateway.engine = engine;
  const demand = options.cacheDemand ?? null;
  let prewarmer: CachePrewarmer | null = null;
  if (demand !== null) {
    const pw = new CachePrewarmer(env, pools, engine, demand, timeouts);
    demand.bind({
      now: () => env.now(),
      isWarm: (key, at) => pw.isPending(key) || (engine.cache?.has(key, at) ?? false),
    });
    gateway.demand = demand;
    gateway.prewarmer = pw;
    prewarmer = pw;
  }

  // Scaling.
  const autoscalers = new Map<string, Autoscaler>();
  for (const [name, spec] of Object.entries(scenario.scaling).sort()) {
    const pool = pools.get(name);
    if (!(pool instanceof LlmPool))
      throw new RangeError(`scaling.${name}: scaling needs a self-hosted (kind: llm) pool`);
    const actuator = new ScalingActuator(env, pool, engine, {
      min: spec.min,
      max: spec.max,
      cooldownMs: spec.cooldownMs,
    });
    const probe = () => {
      const snap = engine.backendSnapshot(name);
      return {
        busy: (snap?.inFlight ?? 0) + (snap?.queueDepth ?? 0),
        slotsPerInstance: policy.backends[name].maxConcurrencyPerInstance ?? pool.spec.maxSequences,
      };
    };
    const scaler = new Autoscaler(env, actuator, probe, spec);
    scaler.start(durationMs);
    autoscalers.set(name, scaler);
  }

  // Faults.
  const faults = new FaultSchedule(env, pools);
  faults.add(scenario.faults, durationMs);

  // Arrivals: the scenario's streams, or a trace replayed with the first stream's request mix.
  let seq = 0;
  const streamRng = root.fork();
  let replay: TraceReplay | null = null;
  let traceRows: AsyncGenerator<TraceRow> | null = null;
  let replayMix: RequestMix | null = null;
  let roundRobin = 0;
  if (options.trace) {
    const first = scenario.streams[0];
    if (first === undefined)
      throw new RangeError(`scenario ${scenario.name}: trace replay needs a stream for tenants and models`);
    replayMix = new RequestMix({ ...first, prompts: first.prompts ?? undefined }, streamRng.fork());
    traceRows = readTrace(options.trace.file, options.trace);
    replay = new TraceReplay(
      traceRows,
      { speedup: options.trace.speedup ?? 1, scale: options.trace.scale ?? 1 },
      streamRng.fork(),
    );
  } else {
    for (const s of scenario.streams) {
      const rng = streamRng.fork();
      const mix = new RequestMix({ ...s, prompts: s.prompts ?? undefined }, rng.fork());
      const arrivals = createArrivals(s.arrivals, rng.fork(), s.startMs, Math.min(s.endMs, durationMs));
      const arrive = (_: null) => {
        gateway.submit(mix.make(seq++, null, null, null, env.now()));
        const next = arrivals.next(env.now());
        if (next < durationMs) env.schedule(next, arrive, null);
      };
      const firstAt = arrivals.next(s.startMs);
      if (firstAt < durationMs) env.schedule(firstAt, arrive, null);
    }
  }
  let replayPending = false;
  const names = replayMix?.tenantNames() ?? [];
  const replayArrive = (_: null) => {
    replayPending = false;
    const a = replay?.take();
    if (a === undefined || replayMix === null) return;
    let tenant: string | null = null;
    if (scenario.traceTenants === 'column') tenant = a.row.tenant;
    else if (scenario.traceTenants === 'round-robin') tenant = names[roundRobin++ % names.length];
    gateway.submit(
      replayMix.make(
        seq++,
        { input: a.row.input, output: a.row.output },
        tenant,
        a.row.model !== null && policy.models[a.row.model] ? a.row.model : null,
        env.now(),
      ),
    );
    scheduleReplay();
  };
  const scheduleReplay = () => {
    const t = replay?.peekTime();
    if (t === undefined || replayPending || t >= durationMs) return;
    replayPending = true;
    env.schedule(Math.max(t, env.now()), replayArrive, null);
  };

  // Control interval: telemetry out, controller hook in.
  let cacheHits = 0;
  let cacheLookups = 0;
  const ctx: SimulationContext = {
    env,
    engine,
    autoscalers,
    applyPolicy: (doc) => {
      gateway.setPolicy(doc);
      return engine.applyPolicy(doc);
    },
  };
  if (prewarmer !== null) {
    const pw = prewarmer;
    ctx.prewarm = (keys) => pw.prewarm(keys);
  }
  const absorb = (records: IntervalRecord[]) => {
    for (const r of records) {
      cacheHits += r.cacheHits;
      cacheLookups += r.cacheLookups;
    }
    if (records.length > 0) options.telemetrySink?.(records);
  };
  const control = () => {
    absorb(engine.drainTelemetry());
    demand?.close(env.now());
    options.onInterval?.(env, engine, ctx);
    options.onProgress?.({
      simulatedMs: env.now(),
      durationMs,
      requests: stats.arrivals,
      departed: stats.departures,
    });
    if (env.now() + intervalMs <= durationMs) env.timeout(intervalMs, control, null, URGENT);
  };
  env.schedule(Math.min(intervalMs, durationMs), control, null, URGENT);

  // Run: in slices when a trace must be read ahead, in one go otherwise.
  if (replay !== null) {
    while (env.now() < durationMs) {
      if (replay.available === 0 && !replay.done) await replay.fill();
      scheduleReplay();
      const horizon = Math.min(replay.horizonMs, durationMs);
      if (horizon === Number.NEGATIVE_INFINITY) break;
      env.run(horizon);
      if (replay.done && horizon >= durationMs) break;
      if (replay.done) {
        env.run(durationMs);
        break;
      }
    }
    // The run may end before the trace does: close the file.
    await traceRows?.return(undefined);
  } else env.run(durationMs);

  absorb(engine.flushTelemetry());
  stats.slo.finish(durationMs);
  const wall1 = options.wallClock?.() ?? null;
  return buildSummary({
    scenario,
    policyName: options.policyName ?? (options.policyDoc ? 'file' : 'scenario'),
    seed: options.seed,
    durationMs,
    wallSeconds: wall0 !== null && wall1 !== null ? (wall1 - wall0) / 1000 : null,
    stats,
    pools,
    policy,
    cache: { hits: cacheHits, lookups: cacheLookups },
    faults: faults.log,
    autoscalers,
    prewarm: prewarmer?.summary() ?? null,
  });
}
