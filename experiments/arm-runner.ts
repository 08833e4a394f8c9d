/**
 * ArmRunner: the one seam between experiments and whatever produces runs. Given one
 * (arm, seed, grid point) of an experiment it returns the run summary of CONTRACTS.md and the
 * run's time series. The simulator-backed runner and the deterministic stand-in both implement
 * it; requests and outputs are plain JSON so they cross worker threads and Redis queues.
 */
import type { RunSeries } from './run-series.js';
import type { RunSummary } from './run-summary.js';
import type { ArmSpec, ExperimentSpec, Params, TraceSpec } from './spec.js';

export interface RunRequest {
  experiment: string;
  scenario: string | null;
  trace: TraceSpec | null;
  durationSeconds: number;
  intervalSeconds: number;
  seed: number;
  arm: ArmSpec;
  /** This grid point's parameter values (they override the arm's params of the same name). */
  grid: Params;
}

export interface RunOutput {
  summary: RunSummary;
  series: RunSeries;
}

export interface ArmRunner {
  run(request: RunRequest): Promise<RunOutput>;
}

export type RunnerName = ExperimentSpec['runner'];

/** The arm's params with the grid point's on top: what the run actually uses. */
export function effectiveParams(request: RunRequest): Params {
  return { ...request.arm.params, ...request.grid };
}
