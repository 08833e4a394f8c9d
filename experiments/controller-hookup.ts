/**
 * hookController: attaches a controller mode (controller-arm.ts) to one simulation's options,
 * the way SimulatorRunner steers an arm: a SimulatedFleet is the controller's telemetry source
 * and actuator, fed by the run's telemetrySink (chained after any sink already set) and bound
 * in onInterval. Used by `sluice simulate --policy MODE` and `npm run eval:controller`.
 *
 * The control interval is the run's: options.controlIntervalMs, else the policy's
 * telemetry.interval, else 10 s (what runSimulation uses), so the controller's window
 * arithmetic matches the records it reads.
 */
import { MemoryAuditSink } from '../controller/rollout/audit-log.js';
import { parseDurationMs } from '../gateway-core/policy/duration.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import type { SimulationOptions } from '../simulator/run-simulation.js';
import type { RolloutRecord } from '../simulator/run-summary.js';
import type { Scenario } from '../simulator/scenario/scenario.js';
import { controllerForRun, ForecastRecorder } from './controller-arm.js';
import { emptySeries } from './run-series.js';
import { SimulatedFleet } from './simulated-fleet.js';
import type { ControllerMode as ModeName, Params } from './spec.js';

export const CONTROLLER_MODE_NAMES: readonly ModeName[] = ['static', 'reactive', 'gradient2', 'adaptive'];

export interface ControllerHookup {
  /** The controller's audit log (proposals, verdicts, promotions, rollbacks with evidence). */
  readonly audit: MemoryAuditSink;
  /** Promotions and rollbacks as the run summary's `rollouts` (time in simulated seconds). */
  rollouts(): RolloutRecord[];
}

export function hookController(
  mode: ModeName,
  scenario: Scenario,
  options: SimulationOptions,
  params: Params = {},
): ControllerHookup {
  const policy = options.policyDoc ?? scenario.policy;
  const intervalMs =
    options.controlIntervalMs ??
    (policy.telemetry?.interval !== undefined ? parseDurationMs(policy.telemetry.interval) : 10_000);
  options.controlIntervalMs = intervalMs;
  const audit = new MemoryAuditSink();
  const controller = controllerForRun(
    mode,
    scenario,
    options,
    params,
    intervalMs,
    new ForecastRecorder(intervalMs),
    audit,
  );
  if (controller !== null) {
    const fleet = new SimulatedFleet(emptySeries(intervalMs / 1000));
    const previousSink = options.telemetrySink;
    options.telemetrySink = (records: IntervalRecord[]) => {
      fleet.absorb(records);
      previousSink?.(records);
    };
    const previousHook = options.onInterval;
    options.onInterval = (env, engine, ctx) => {
      previousHook?.(env, engine, ctx);
      fleet.bind(ctx);
      controller.onInterval(env.now(), fleet, fleet);
    };
  }
  return {
    audit,
    rollouts: () =>
      audit
        .entries()
        .filter((e) => e.kind === 'promote' || e.kind === 'rollback')
        .map(
          (e): RolloutRecord => ({
            atS: Number(e.time) / 1000,
            change: String(e.change ?? ''),
            verdict: `${String(e.verdict ?? '')}${e.reason ? `: ${String(e.reason)}` : ''}`,
            statistic: typeof e.statistic === 'number' ? e.statistic : null,
            pValue: typeof e.pValue === 'number' ? e.pValue : null,
            promoted: e.kind === 'promote',
          }),
        ),
  };
}
