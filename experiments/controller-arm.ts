/**
 * Builds the controller mode an arm names, configured from the scenario it runs on:
 *
 *   static     no controller (the scenario's policy untouched)
 *   reactive   HPA-rule scaling per self-hosted pool, min/max from the scenario's scaling
 *   gradient2  Gradient2 concurrency limits per backend
 *   adaptive   AdaptiveController with an in-memory audit log and forecasters that also
 *              record their one-step-ahead forecasts for the report
 *
 * Arm params tune them: targetUtilization (reactive), perInstanceRps (adaptive's capacity per
 * instance, default 10 requests/s), warmupIntervals (adaptive), forecaster ('holt', the
 * default, or 'neural': NeuralDemandForecaster per series, retrained every neuralRetrainEvery
 * intervals, default 60); when the policy has a response cache, prewarm (default true: cache
 * pre-warming from the simulator's per-key demand, cacheDemandForArm), prewarmK (keys per
 * interval at most, default 32), prewarmMinCount (a key's requests in an interval before its
 * demand is reported, default 3: below that a pre-warm call costs about what it saves) and
 * prewarmSketch (per-key counters per interval, default 1024).
 */
import { AuditLog, MemoryAuditSink } from '../controller/rollout/audit-log.js';
import { HoltForecaster } from '../controller/forecast/holt-forecaster.js';
import { NeuralDemandForecaster } from '../controller/forecast/neural-demand-forecaster.js';
import { type ControllerMode, createControllerMode } from '../controller/controller.js';
import type { CacheDemandSource } from '../controller/adaptive-controller.js';
import type { DemandForecaster } from '../controller/interfaces.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { CacheDemand } from '../simulator/cache/cache-demand.js';
import type { SimulationOptions } from '../simulator/run-simulation.js';
import type { Scenario } from '../simulator/scenario/scenario.js';
import type { ForecastPoint } from './run-series.js';
import type { ControllerMode as ModeName, Params } from './spec.js';

/** Sums the tenants' one-step-ahead forecasts per interval into a forecast of total arrivals. */
export class ForecastRecorder {
  private readonly byT = new Map<number, { p50: number; p90: number }>();

  constructor(private readonly intervalMs: number) {}

  wrap(series: string, inner: DemandForecaster): DemandForecaster {
    if (!series.startsWith('tenant:')) return inner;
    return {
      update: (t, value) => {
        inner.update(t, value);
        const f = inner.forecast(1);
        const at = t + this.intervalMs;
        const acc = this.byT.get(at) ?? { p50: 0, p90: 0 };
        acc.p50 += f.p50;
        acc.p90 += f.p90;
        this.byT.set(at, acc);
      },
      forecast: (h) => inner.forecast(h),
    };
  }

  /** Forecast points in seconds; the band's low edge mirrors p90 about p50 (a p10 stand-in). */
  points(): ForecastPoint[] {
    return [...this.byT]
      .sort(([a], [b]) => a - b)
      .map(([t, f]) => ({ t: t / 1000, mean: f.p50, p10: Math.max(0, 2 * f.p50 - f.p90), p90: f.p90 }));
  }
}

function num(params: Params, key: string, fallback: number): number {
  const v = params[key];
  return typeof v === 'number' ? v : fallback;
}

/**
 * The per-key demand an adaptive arm pre-warms from (give it to the run as
 * SimulationOptions.cacheDemand and to controllerForArm): null unless the mode is adaptive, the
 * policy has a response cache and param prewarm is not false.
 */
export function cacheDemandForArm(
  mode: ModeName,
  policy: PolicyDocument,
  params: Params,
): CacheDemand | null {
  if (mode !== 'adaptive' || policy.cache?.enabled !== true || params.prewarm === false) return null;
  return new CacheDemand({
    capacity: num(params, 'prewarmSketch', 1024),
    reportAtLeast: num(params, 'prewarmMinCount', 3),
  });
}

export function controllerForArm(
  mode: ModeName,
  scenario: Scenario,
  policy: PolicyDocument,
  params: Params,
  intervalMs: number,
  forecasts: ForecastRecorder,
  audit: MemoryAuditSink = new MemoryAuditSink(),
  cacheDemand: CacheDemandSource | null = null,
): ControllerMode | null {
  const pools = Object.keys(policy.backends).filter((b) => scenario.backends[b]?.kind === 'llm');
  const range = (b: string) => {
    const fixed = policy.backends[b].instances.length;
    const s = scenario.scaling[b];
    return { minInstances: s?.min ?? fixed, maxInstances: s?.max ?? fixed };
  };
  switch (mode) {
    case 'static':
      return null;
    case 'reactive':
      return createControllerMode({
        mode: 'reactive',
        intervalMs,
        backends: Object.fromEntries(
          pools.map((b) => [b, { ...range(b), targetUtilization: num(params, 'targetUtilization', 0.7) }]),
        ),
      });
    case 'gradient2':
      return createControllerMode({ mode: 'gradient2', intervalMs, backends: Object.keys(policy.backends) });
    case 'adaptive': {
      const spec = scenario.backends;
      return createControllerMode({
        mode: 'adaptive',
        intervalMs,
        audit: new AuditLog(audit.sink),
        backends: Object.fromEntries(
          pools.map((b) => {
            const llm = spec[b];
            const coldStartMs = llm?.kind === 'llm' ? llm.coldStartMs : 60_000;
            return [
              b,
              {
                ...range(b),
                perInstanceRps: num(params, 'perInstanceRps', 10),
                provisioningDelayMs: coldStartMs,
              },
            ];
          }),
        ),
        forecaster: (series) =>
          forecasts.wrap(
            series,
            params.forecaster === 'neural'
              ? new NeuralDemandForecaster({
                  stepMs: intervalMs,
                  retrainEvery: num(params, 'neuralRetrainEvery', 60),
                })
              : new HoltForecaster(),
          ),
        warmupIntervals: num(params, 'warmupIntervals', 6),
        ...(cacheDemand !== null ? { cache: { source: cacheDemand, k: num(params, 'prewarmK', 32) } } : {}),
      });
    }
  }
}

/**
 * An arm's controller for one simulated run, its pre-warm demand source set on `options`
 * (cacheDemandForArm) and handed to the controller: what the experiment runner and
 * `sluice simulate --policy MODE` both need before they hook the controller in.
 */
export function controllerForRun(
  mode: ModeName,
  scenario: Scenario,
  options: SimulationOptions,
  params: Params,
  intervalMs: number,
  forecasts: ForecastRecorder,
  audit: MemoryAuditSink,
): ControllerMode | null {
  const policy = options.policyDoc ?? scenario.policy;
  const cacheDemand = cacheDemandForArm(mode, policy, params);
  if (cacheDemand !== null) options.cacheDemand = cacheDemand;
  return controllerForArm(mode, scenario, policy, params, intervalMs, forecasts, audit, cacheDemand);
}
