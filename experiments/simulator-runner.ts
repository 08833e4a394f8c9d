/**
 * SimulatorRunner: runs one arm in the discrete-event simulator (simulator/run-simulation.ts)
 * and reduces its telemetry interval records to the report's series as they stream out.
 *
 * How a request maps onto the simulator:
 *   scenario            loadScenario(name) (with a trace, the scenario supplies the gateway and
 *                       the tenants, the trace the arrivals; `steady` when none is named)
 *   params "set.P": v   scenario overrides (`--set P=v`), e.g. set.policy.backends.gpu.instances
 *                       or a scenario parameter, set.servers
 *   arm.policy          replaces the scenario's policy (loadPolicyFile)
 *   arm.mode            a controller mode (controller-arm.ts) steering the run through a
 *                       SimulatedFleet every control interval (param canarySplit: requestId
 *                       (default), apiKey or tenant)
 */
import { loadPolicyFile } from '../gateway-core/policy/load.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { loadScenario } from '../simulator/scenario/scenario-loader.js';
import { runSimulation, type SimulationOptions } from '../simulator/run-simulation.js';
import { type ArmRunner, effectiveParams, type RunOutput, type RunRequest } from './arm-runner.js';
import { MemoryAuditSink } from '../controller/rollout/audit-log.js';
import { controllerForRun, ForecastRecorder } from './controller-arm.js';
import { SimulatedFleet } from './simulated-fleet.js';
import { SeriesBuilder } from './run-series.js';
import type { Rollout, RunSummary } from './run-summary.js';

interface SimulatorRollout {
  atS: number;
  change: string;
  verdict: string;
  statistic: number | null;
  pValue: number | null;
  promoted: boolean;
}

export class SimulatorRunner implements ArmRunner {
  async run(request: RunRequest): Promise<RunOutput> {
    const params = effectiveParams(request);
    const overrides = Object.entries(params)
      .filter(([k]) => k.startsWith('set.'))
      .map(([k, v]) => `${k.slice(4)}=${v}`);
    const scenario = loadScenario(request.scenario ?? 'steady', overrides);
    const builder = new SeriesBuilder(request.intervalSeconds);
    const options: SimulationOptions = {
      seed: request.seed,
      durationMs: request.durationSeconds * 1000,
      controlIntervalMs: request.intervalSeconds * 1000,
    };
    if (request.arm.policy) {
      options.policyDoc = loadPolicyFile(request.arm.policy);
      options.policyName = request.arm.name;
    }
    if (request.trace) {
      options.trace = {
        file: request.trace.file,
        speedup: request.trace.speedup,
        scale: request.trace.scale,
      };
    }
    const mode = request.arm.mode ?? 'static';
    const intervalMs = request.intervalSeconds * 1000;
    const forecasts = new ForecastRecorder(intervalMs);
    const audit = new MemoryAuditSink();
    const controller = controllerForRun(mode, scenario, options, params, intervalMs, forecasts, audit);
    const split = params.canarySplit;
    const fleet = new SimulatedFleet(
      builder.series,
      split === 'apiKey' || split === 'tenant' || split === 'requestId' ? split : 'requestId',
    );
    options.telemetrySink = (records: IntervalRecord[]) => {
      builder.add(records);
      fleet.absorb(records);
    };
    options.onInterval = (env, _engine, ctx) => {
      fleet.bind(ctx);
      controller?.onInterval(env.now(), fleet, fleet);
      fleet.sampleKnobs();
    };
    const raw = (await runSimulation(scenario, options)) as unknown as Record<string, unknown>;
    builder.series.forecast.push(...forecasts.points());
    const series = builder.finish();
    const simulated = ((raw.rollouts as SimulatorRollout[] | undefined) ?? []).map(
      (r): Rollout => ({
        time: r.atS,
        change: r.change,
        verdict: r.verdict,
        statistic: r.statistic,
        pValue: r.pValue,
        outcome: r.promoted ? 'promoted' : 'rolled-back',
      }),
    );
    // The controller's promotions and rollbacks, with the judge's verdict, from its audit log.
    const judged = audit
      .entries()
      .filter((e) => e.kind === 'promote' || e.kind === 'rollback')
      .map(
        (e): Rollout => ({
          time: Number(e.time) / 1000,
          change: String(e.change ?? ''),
          verdict: `${String(e.verdict ?? '')}${e.reason ? `: ${String(e.reason)}` : ''}`,
          statistic: typeof e.statistic === 'number' ? e.statistic : null,
          pValue: typeof e.pValue === 'number' ? e.pValue : null,
          outcome: e.kind === 'promote' ? 'promoted' : 'rolled-back',
        }),
      );
    const rollouts = [...simulated, ...judged];
    // Name the change on the chart's markers too (the fleet only knew version numbers).
    for (const m of series.rollouts) {
      const r = judged.find((x) => Math.abs(x.time - m.t) < 1e-6);
      if (r && m.kind !== 'canary-start') m.detail = r.change;
    }
    const summary = { ...raw, wallSeconds: 0, rollouts } as unknown as RunSummary;
    return { summary, series };
  }
}
