/**
 * A scenario, as the runner takes it (durations already in ms): a policy, a workload, models
 * of the backend pools the policy names, faults and scaling. YAML files in simulator/scenarios/
 * are loaded into this shape by scenario-loader.ts.
 */
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import type { ApiBackendSpec } from '../backends/api-backend.js';
import type { FaultSpec } from '../backends/fault-schedule.js';
import type { LlmPoolSpec } from '../backends/llm-pool.js';
import type { StationSpec } from '../backends/station-backend.js';
import type { DemandCalendar } from '../workloads/demand-calendar.js';
import type { MmppState } from '../workloads/mmpp-arrivals.js';
import type { SpikeSpec } from '../workloads/flash-sale-arrivals.js';
import type { TokenDistribution } from '../workloads/request-mix.js';
import type { TrendingSpec } from '../workloads/trending-prompts.js';

export type ArrivalSpec =
  | { process: 'poisson'; rate: number }
  | { process: 'deterministic'; rate: number }
  | {
      process: 'diurnal';
      mean: number;
      amplitude: number;
      periodMs: number;
      peakAtMs: number;
      calendar?: DemandCalendar;
    }
  | { process: 'mmpp'; states: MmppState[] }
  | { process: 'flash-sale'; base: number; spikes: SpikeSpec[] };

export interface TenantWorkload {
  weight: number;
  keys: string[];
  models?: Record<string, number>;
}

/** One stream of arrivals with its own request mix (the main load, an abuse flood, ...). */
export interface StreamSpec {
  name: string;
  arrivals: ArrivalSpec;
  startMs: number;
  endMs: number;
  tenants: Record<string, TenantWorkload>;
  models: Record<string, number>;
  input: TokenDistribution;
  output: TokenDistribution;
  maxTokens: number;
  prompts: {
    distinct: number;
    zipf: number;
    temperatureZeroShare: number;
    /** A rotating, recurring hot set (trending-prompts.ts); absent: the catalogue only. */
    trending?: TrendingSpec;
  } | null;
}

export type BackendModelSpec =
  | ({ kind: 'llm' } & LlmPoolSpec)
  | ({ kind: 'api' } & ApiBackendSpec)
  | ({ kind: 'station' } & StationSpec);

export interface ScalingSpec {
  policy: 'fixed' | 'reactive';
  min: number;
  max: number;
  cooldownMs: number;
  intervalMs: number;
  target: number;
  tolerance: number;
  stabilisationMs: number;
}

export interface Scenario {
  name: string;
  description: string;
  durationMs: number;
  policy: PolicyDocument;
  streams: StreamSpec[];
  /** How trace rows get tenants when replaying a trace. */
  traceTenants: 'weights' | 'round-robin' | 'column';
  backends: Record<string, BackendModelSpec>;
  faults: FaultSpec[];
  scaling: Record<string, ScalingSpec>;
}
