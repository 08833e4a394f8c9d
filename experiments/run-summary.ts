/**
 * The run summary of CONTRACTS.md, as the experiments read it. Fields a run cannot fill are
 * null, never made up; the breakdowns carry the same counters and percentiles.
 */
export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  mean?: number | null;
}

export interface Breakdown {
  requests: number;
  completed: number;
  rejected: number;
  failed: number;
  timedOut: number;
  latencyMs: Percentiles;
  costUsd: number;
  tokens?: { input: number; output: number };
}

export interface Rollout {
  /** Simulated seconds from the start. */
  time: number;
  change: string;
  verdict: string;
  statistic?: number | null;
  pValue?: number | null;
  outcome: 'promoted' | 'rolled-back' | 'pending' | string;
}

export interface RunSummary {
  scenario: string;
  policy: string;
  seed: number;
  simulatedSeconds: number;
  wallSeconds: number;
  requests: number;
  completed: number;
  rejected: number;
  failed: number;
  timedOut: number;
  latencyMs: Percentiles;
  ttftMs: Percentiles | null;
  goodputRps: number;
  sloViolationMinutes: number;
  costUsd: number;
  tokens: { input: number; output: number };
  cacheHitRatio: number | null;
  jainFairness: number | null;
  instanceHours: number | null;
  byTier: Record<string, Breakdown>;
  byTenant: Record<string, Breakdown>;
  byModel: Record<string, Breakdown>;
  rollouts: Rollout[];
}
