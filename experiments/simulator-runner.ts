/**
 * SimulatorRunner: runs one arm in the discrete-event simulator (simulator/run-simulation.ts)
 * and reduces its telemetry interval records to the report's series as they stream out.
 *
 * How a request maps onto the simulator:
 *   scenario            loadScenario(name) (with a trace, the scenario supplies the gateway and
 *                       the tenants, the trace the arrivals; `steady` when none is named)
 *   params "a.b.c": v   scenario overrides (`--set a.b.c=v`), e.g. backends.gpu.instances
 *   arm.policy          replaces the scenario's policy (loadPolicyFile)
 *   arm.mode static     the scenario's policy untouched, no controller
 *   other modes         need the controller's simulator adapter (see `controllerHook`)
 */
import { SluiceError } from '../gateway-core/errors.js';
import { loadPolicyFile } from '../gateway-core/policy/load.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { loadScenario } from '../simulator/scenario/scenario-loader.js';
import { runSimulation, type SimulationOptions } from '../simulator/run-simulation.js';
import { type ArmRunner, effectiveParams, type RunOutput, type RunRequest } from './arm-runner.js';
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
      .filter(([k]) => k.includes('.'))
      .map(([k, v]) => `${k}=${v}`);
    const scenario = loadScenario(request.scenario ?? 'steady', overrides);
    const builder = new SeriesBuilder(request.intervalSeconds);
    const options: SimulationOptions = {
      seed: request.seed,
      durationMs: request.durationSeconds * 1000,
      controlIntervalMs: request.intervalSeconds * 1000,
      telemetrySink: (records: IntervalRecord[]) => builder.add(records),
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
    if (mode !== 'static') {
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `arm ${request.arm.name}: controller mode "${mode}" cannot run in the simulator yet (no simulator adapter for the controller); use runner: stand-in, or a static/policy arm`,
      );
    }
    const raw = (await runSimulation(scenario, options)) as unknown as Record<string, unknown>;
    const series = builder.finish();
    const rollouts = ((raw.rollouts as SimulatorRollout[] | undefined) ?? []).map(
      (r): Rollout => ({
        time: r.atS,
        change: r.change,
        verdict: r.verdict,
        statistic: r.statistic,
        pValue: r.pValue,
        outcome: r.promoted ? 'promoted' : 'rolled-back',
      }),
    );
    for (const r of rollouts) {
      series.rollouts.push({
        t: r.time,
        kind: r.outcome === 'promoted' ? 'promote' : 'rollback',
        detail: r.change,
      });
    }
    const summary = { ...raw, wallSeconds: 0, rollouts } as unknown as RunSummary;
    return { summary, series };
  }
}
