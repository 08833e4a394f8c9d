/**
 * StandInRunner: a deterministic fluid-queue model of a gateway, used where the real simulator
 * is not wanted (tests of the runner, the queue and the report). It is NOT the simulator: it
 * exists so that experiments are exercised end to end with numbers that respond to arms and
 * seeds the way the real thing should. Per interval of dt seconds:
 *
 *   lambda(t) = shape(t) * (1 + 0.06 * N(0,1))           arrivals/s (seeded noise)
 *   capacity  = n(t) * mu                                 mu = 4 req/s per instance
 *   Q(t+dt)   = max(0, Q + (admitted - capacity) * dt)    fluid queue
 *   wait      = Q / capacity,  latency ~ logNormal(800 ms + wait, 0.35)
 *
 * Modes pick n(t) and admission: static keeps n0; reactive scales to observed load after a
 * 90 s provisioning lag; gradient2 also sheds load when the queue exceeds its limit; adaptive
 * scales ahead on a forecast and canaries a tighter rate limit for the noisiest tenant.
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import { SeededRng } from '../gateway-core/rng.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { type ArmRunner, effectiveParams, type RunOutput, type RunRequest } from './arm-runner.js';
import { type RunSeries, SeriesBuilder } from './run-series.js';
import { summariseIntervals } from './interval-summary.js';

const MU = 4;
const SERVICE_MS = 800;
const PROVISION_LAG_S = 90;
const DEADLINE_MS = 30000;
const TIER_WAIT: Record<string, number> = { premium: 0.4, standard: 1, batch: 1.8 };
const INSTANCE_USD_PER_HOUR = 2.5;
const TENANTS = [
  { tenant: 'acme', tier: 'premium', share: 0.5, sloMs: 4000 },
  { tenant: 'globex', tier: 'standard', share: 0.3, sloMs: 8000 },
  { tenant: 'initech', tier: 'batch', share: 0.2, sloMs: 30000 },
];
const MODELS = [
  { model: 'llama-70b', share: 0.7, usdPerRequest: 0 },
  { model: 'gpt-4o-mini', share: 0.3, usdPerRequest: 0.0006 },
];

/** Arrivals per second at time t (seconds) for a scenario's shape. */
export function arrivalShape(scenario: string | null, t: number, duration: number): number {
  const x = t / duration;
  switch (scenario) {
    case 'flash-sale': {
      // A sale opens at 40%: demand triples within about a minute and decays over 15% of the run.
      if (x < 0.4) return 20;
      const rise = Math.min(1, (t - 0.4 * duration) / 60);
      return 20 + 40 * rise * Math.exp(-Math.max(0, x - 0.42) / 0.15);
    }
    case 'cost-overrun':
      return 22 + 10 * x;
    case 'multi-tenant':
      return 20 + (x > 0.5 ? 12 : 0);
    default:
      return 18 + 8 * Math.sin(2 * Math.PI * x);
  }
}

/** Tenants' shares of arrivals at time t: in multi-tenant, initech floods after half time. */
function tenantShares(scenario: string | null, t: number, duration: number): number[] {
  if (scenario === 'multi-tenant' && t / duration > 0.5)
    return [(0.5 * 20) / 32, (0.3 * 20) / 32, (0.2 * 20 + 12) / 32];
  return TENANTS.map((x) => x.share);
}

export class StandInRunner implements ArmRunner {
  async run(request: RunRequest): Promise<RunOutput> {
    const params = effectiveParams(request);
    const mode = request.arm.mode ?? 'static';
    const rng = new SeededRng(request.seed * 7919 + 17);
    const dt = request.intervalSeconds;
    const duration = request.durationSeconds;
    const scenario = request.scenario ?? 'trace';
    const steps = Math.max(1, Math.floor(duration / dt));
    const n0 = Number(params.instances ?? Math.ceil(arrivalShape(scenario, 0, duration) / MU / 0.8));
    const leadS = Number(params.scaleAheadSeconds ?? 150);
    const queueLimit = Number(params.queueLimit ?? 300);
    const builder = new SeriesBuilder(dt);
    // Seed-level variation (a busier or quieter day) plus per-interval noise.
    const level = 1 + 0.08 * rng.normal();
    const noise = Array.from({ length: steps }, () => level * (1 + 0.06 * rng.normal()));
    let q = 0;
    let n = n0;
    let observed = arrivalShape(scenario, 0, duration);
    const pending: { at: number; n: number }[] = [];
    let limitRps = Number.POSITIVE_INFINITY;
    // Only the multi-tenant scenario has a tenant that floods: initech.
    const limitIdx = scenario === 'multi-tenant' ? 2 : 0;
    const limitTenant = scenario === 'multi-tenant' ? TENANTS[2].tenant : null;
    const base = arrivalShape(scenario, 0, duration);
    const rollouts: RunOutput['summary']['rollouts'] = [];
    const all: IntervalRecord[] = [];
    const provision = (want: number, t: number) => {
      if (want !== (pending.at(-1)?.n ?? n)) pending.push({ at: t + PROVISION_LAG_S, n: want });
    };
    for (let i = 0; i < steps; i++) {
      const t = i * dt;
      const lambda = arrivalShape(scenario, t, duration) * noise[i];
      const shares = tenantShares(scenario, t, duration);
      while (pending.length > 0 && pending[0].at <= t) n = pending.shift()!.n;
      if (mode === 'reactive' || mode === 'gradient2') {
        provision(Math.max(n0, Math.ceil(observed / MU / 0.8)), t);
      } else if (mode === 'adaptive') {
        const ahead = arrivalShape(scenario, t + leadS, duration) * level * (1 + 0.05 * rng.normal());
        const target = Math.max(n0, Math.ceil(ahead / MU / 0.8));
        builder.series.forecast.push({ t: t + leadS, mean: ahead, p10: ahead * 0.88, p90: ahead * 1.12 });
        builder.series.scaleAhead.push({ t, target });
        provision(target, t);
        const limit = this.rollout(
          builder.series,
          rollouts,
          t,
          duration,
          limitTenant,
          1.5 * TENANTS[limitIdx].share * base,
        );
        if (limit !== null) limitRps = limit;
      }
      const demand = shares.map((x) => x * lambda);
      const limited = demand.map((d, k) => (k === limitIdx ? Math.max(0, d - limitRps) : 0));
      let admittedByTenant = demand.map((d, k) => d - limited[k]);
      let admitted = admittedByTenant.reduce((a, b) => a + b, 0);
      // gradient2 sheds load once the queue passes its limit instead of letting waits grow.
      let shed = 0;
      if (mode === 'gradient2' && q > queueLimit) {
        shed = Math.min(admitted, (q - queueLimit) / dt);
        admittedByTenant = admittedByTenant.map((a) => a * (1 - shed / admitted));
        admitted -= shed;
      }
      const capacity = n * MU;
      const served = Math.min(capacity, admitted + q / dt);
      q = Math.max(0, q + (admitted - capacity) * dt);
      // Requests that would wait past the 30 s deadline time out and leave the queue.
      const maxQ = (capacity * DEADLINE_MS) / 1000;
      const timedOut = Math.max(0, q - maxQ);
      q -= timedOut;
      observed = lambda;
      const records = this.records(t, dt, rng, mode, n, q, {
        demand,
        limited,
        shedFrac: admitted + shed > 0 ? shed / (admitted + shed) : 0,
        served,
        timedOut,
        admittedByTenant,
        waitMs: (1000 * q) / capacity,
      });
      builder.add(records);
      all.push(...records);
      if (Number.isFinite(limitRps)) {
        builder.series.rateLimits.push({
          t,
          key: `${TENANTS[limitIdx].tenant} rpm`,
          value: Math.round(limitRps * 60),
        });
      }
      const premiumWeight = mode === 'adaptive' && t >= duration * 0.4 ? 6 : 4;
      builder.series.queueWeights.push({ t, key: 'premium', value: premiumWeight });
      builder.series.queueWeights.push({ t, key: 'standard', value: 2 });
      builder.series.queueWeights.push({ t, key: 'batch', value: 1 });
    }
    const series = builder.finish();
    const summary = summariseIntervals(all, {
      scenario,
      policy: request.arm.policy ?? mode,
      seed: request.seed,
      durationSeconds: duration,
      sloMsByTier: Object.fromEntries(TENANTS.map((x) => [x.tier, x.sloMs])),
      entitledShare: Object.fromEntries(TENANTS.map((x) => [x.tenant, x.share])),
      rollouts,
    });
    return { summary, series };
  }

  /** The adaptive arm's controller story: canary a tighter limit at 30%, judge it, promote or roll back. */
  /**
   * The adaptive arm's controller story: a canary at 30% of the run, promoted at 40% (a rate
   * limit on the flooding tenant where there is one, else a higher premium queue weight), and a
   * second canary at 70% that the judge rolls back at 80%. Returns the new limit, if any.
   */
  private rollout(
    series: RunSeries,
    rollouts: RunOutput['summary']['rollouts'],
    t: number,
    duration: number,
    limitTenant: string | null,
    fairLimitRps: number,
  ): number | null {
    const at = (f: number) =>
      Math.floor((duration * f) / series.intervalSeconds) * series.intervalSeconds === t;
    const change = limitTenant
      ? `${limitTenant} rpm ${Math.round(fairLimitRps * 60)}`
      : 'premium queue weight 4 -> 6';
    if (at(0.3)) {
      series.rollouts.push({ t, kind: 'canary-start', detail: change });
    } else if (at(0.4)) {
      series.rollouts.push({ t, kind: 'promote', detail: `${change}: canary p99 better (p = 0.01)` });
      rollouts.push({
        time: t,
        change,
        verdict: 'canary better',
        statistic: 2.6,
        pValue: 0.01,
        outcome: 'promoted',
      });
      return limitTenant ? fairLimitRps : null;
    } else if (at(0.7)) {
      series.rollouts.push({ t, kind: 'canary-start', detail: 'premium queue weight 6 -> 8' });
    } else if (at(0.8)) {
      series.rollouts.push({
        t,
        kind: 'rollback',
        detail: 'premium weight 8: canary error rate higher (p = 0.03)',
      });
      rollouts.push({
        time: t,
        change: 'premium queue weight 6 -> 8',
        verdict: 'canary worse',
        statistic: -2.2,
        pValue: 0.03,
        outcome: 'rolled-back',
      });
    }
    return null;
  }

  private records(
    t: number,
    dt: number,
    rng: SeededRng,
    mode: string,
    n: number,
    q: number,
    s: {
      demand: number[];
      limited: number[];
      shedFrac: number;
      served: number;
      timedOut: number;
      admittedByTenant: number[];
      waitMs: number;
    },
  ): IntervalRecord[] {
    const out: IntervalRecord[] = [];
    const admittedTotal = s.admittedByTenant.reduce((a, b) => a + b, 0);
    TENANTS.forEach((ten, k) => {
      const tenantAdmitted = s.admittedByTenant[k];
      for (const mod of MODELS) {
        const arrived = Math.round(s.demand[k] * mod.share * dt);
        const shedShare = s.demand[k] * mod.share * s.shedFrac;
        const rejected = Math.round((s.limited[k] * mod.share + shedShare) * dt);
        const timedOut =
          admittedTotal > 0 ? Math.round((s.timedOut * tenantAdmitted * mod.share) / admittedTotal) : 0;
        const completed = Math.max(
          0,
          admittedTotal > 0 ? Math.round((s.served * dt * tenantAdmitted * mod.share) / admittedTotal) : 0,
        );
        // Weighted fair queueing: premium waits least.
        const tierWait = Math.min(DEADLINE_MS, s.waitMs * TIER_WAIT[ten.tier]);
        const h = new LatencyHistogram();
        const samples = Math.min(completed, 60);
        let withinSlo = 0;
        for (let j = 0; j < samples; j++) {
          const v = rng.logNormal(SERVICE_MS + tierWait, 0.35);
          h.record(v, completed / samples);
          if (v <= ten.sloMs) withinSlo += completed / samples;
        }
        const selfHosted = mod.usdPerRequest === 0;
        const poolShare = admittedTotal > 0 ? tenantAdmitted / admittedTotal : TENANTS[k].share;
        out.push({
          tenant: ten.tenant,
          model: mod.model,
          instance: selfHosted ? 'pool' : 'api',
          tier: ten.tier,
          arm: 'control',
          policyVersion: mode === 'adaptive' ? 2 : 1,
          start: t * 1000,
          intervalMs: dt * 1000,
          arrived,
          completed,
          rejected,
          failed: 0,
          timedOut,
          cacheHits: 0,
          cacheLookups: 0,
          withinSlo: Math.round(withinSlo),
          latencyMs: {
            p50: h.quantile(0.5),
            p90: h.quantile(0.9),
            p99: h.quantile(0.99),
            mean: h.mean(),
            max: samples > 0 ? h.max : null,
          },
          latencyHistogram: h.toJSON(),
          inputTokens: completed * 900,
          outputTokens: completed * 250,
          costUsd:
            (selfHosted ? (n * INSTANCE_USD_PER_HOUR * dt * poolShare) / 3600 : 0) +
            completed * mod.usdPerRequest,
          queueDepthMax: Math.round(q * poolShare * mod.share * 1.2),
          queueDepthMean: q * poolShare * mod.share,
          inFlight: Math.round(tenantAdmitted * mod.share * (SERVICE_MS / 1000)),
          instances: selfHosted ? n : null,
          breakerState: 'closed',
        });
      }
    });
    return out;
  }
}
