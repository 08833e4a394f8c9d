/**
 * What the controller needs from the world, and nothing more, so the same controller steers the
 * simulator in-process and a live fleet (InfluxDB telemetry, gateways' admin API):
 *
 *   TelemetrySource  closed telemetry intervals in a time window
 *   PolicyActuator   the policy split: put a candidate on a canary slice, promote, roll back,
 *                    and report the rollout state (the reconcile loop reads it every interval
 *                    instead of remembering what it did)
 *   FleetActuator    direct, non-canaried actions: baselines' changes, scaling, cache pre-warm
 */
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';

export interface TelemetrySource {
  /** Records of intervals that start in [fromMs, toMs) and have closed. */
  window(fromMs: number, toMs: number): IntervalRecord[];
}

export interface CanaryState {
  version: number;
  percent: number;
  /** When the canary began taking traffic (ms on the controller's clock). */
  startedAt: number;
}

export interface RolloutState {
  control: { version: number; doc: PolicyDocument };
  canary: CanaryState | null;
}

export interface PolicyActuator {
  /** Puts `doc` on `percent`% of traffic; returns its version. Replaces any canary. */
  applyCanary(doc: PolicyDocument, percent: number): number;
  /** The canary becomes the control policy for everyone. No-op without a canary. */
  promote(): void;
  /** Ends the canary: everyone back on control. No-op without a canary. */
  rollback(): void;
  currentVersion(): RolloutState;
}

export interface FleetActuator {
  /** Makes `doc` the control policy at once (baselines, which do not canary). */
  applyPolicy?(doc: PolicyDocument): void;
  /** Scale a backend pool to `instances` (the simulator models the provisioning delay). */
  setDesiredInstances?(backend: string, instances: number): void;
  /**
   * Let a pool shrink past its own scaler's scale-down stabilisation, to no fewer than
   * `instances` and never below what that scaler's rule asks for now (null: clear).
   */
  releaseScaleDown?(backend: string, instances: number | null): void;
  /** Load these cache keys ahead of demand. */
  prewarm?(keys: readonly string[]): void;
}

/** An online demand forecaster per series (tenant, model): fed one value per interval. */
export interface DemandForecaster {
  update(t: number, value: number): void;
  /** Forecast `h` intervals ahead (h >= 1). */
  forecast(h: number): { p50: number; p90: number };
}
