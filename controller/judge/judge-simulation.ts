/**
 * A seeded canary-versus-control experiment for the judge's operating characteristics: each look
 * adds one control interval of requests to both arms (log-normal latencies, Bernoulli errors and
 * timeouts), and the judge is asked after every interval until it decides or the budget ends.
 * Used by rollout-judge.test.ts and available to benchmarks.
 */
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import type { SeededRng } from '../../gateway-core/rng.js';
import type { RolloutJudge, Verdict } from './rollout-judge.js';

export interface ArmModel {
  /** Median latency (ms) and the standard deviation of its logarithm. */
  medianMs: number;
  sigma: number;
  errorRate: number;
  timeoutRate: number;
  costPerRequest: number;
  /** Optional tail: this share of requests takes `tailFactor` times longer (a tail-only regression). */
  tailShare?: number;
  tailFactor?: number;
}

export interface TrialPlan {
  canary: ArmModel;
  control: ArmModel;
  /** Requests per control interval reaching each arm. */
  canaryPerInterval: number;
  controlPerInterval: number;
  /** Looks allowed (the interval budget). */
  maxLooks: number;
}

export interface TrialOutcome {
  verdict: Verdict;
  /** The look (1-based) at which the verdict came. */
  look: number;
}

interface ArmState {
  hist: LatencyHistogram;
  requests: number;
  errors: number;
  timeouts: number;
  costUsd: number;
}

function addInterval(rng: SeededRng, model: ArmModel, n: number, s: ArmState): void {
  for (let i = 0; i < n; i++) {
    s.requests++;
    s.costUsd += model.costPerRequest;
    const u = rng.next();
    if (u < model.errorRate) s.errors++;
    else if (u < model.errorRate + model.timeoutRate) s.timeouts++;
    else {
      const slow = model.tailShare !== undefined && rng.next() < model.tailShare;
      s.hist.record(rng.logNormal(model.medianMs, model.sigma) * (slow ? (model.tailFactor ?? 1) : 1));
    }
  }
}

export function runTrial(rng: SeededRng, judge: RolloutJudge, plan: TrialPlan): TrialOutcome {
  const arm = (): ArmState => ({
    hist: new LatencyHistogram(),
    requests: 0,
    errors: 0,
    timeouts: 0,
    costUsd: 0,
  });
  const c = arm();
  const k = arm();
  for (let look = 1; look <= plan.maxLooks; look++) {
    addInterval(rng, plan.canary, plan.canaryPerInterval, c);
    addInterval(rng, plan.control, plan.controlPerInterval, k);
    const report = judge.judge(
      { latency: c.hist, requests: c.requests, errors: c.errors, timeouts: c.timeouts, costUsd: c.costUsd },
      { latency: k.hist, requests: k.requests, errors: k.errors, timeouts: k.timeouts, costUsd: k.costUsd },
      { final: look === plan.maxLooks },
    );
    if (report.verdict === 'promote' || report.verdict === 'rollback')
      return { verdict: report.verdict, look };
    if (look === plan.maxLooks) return { verdict: 'inconclusive', look };
  }
  return { verdict: 'inconclusive', look: plan.maxLooks };
}

/** Tallies of many trials. */
export function runTrials(
  rng: SeededRng,
  judge: RolloutJudge,
  plan: TrialPlan,
  trials: number,
): { promote: number; rollback: number; inconclusive: number; looks: number[] } {
  const out = { promote: 0, rollback: 0, inconclusive: 0, looks: [] as number[] };
  for (let i = 0; i < trials; i++) {
    const r = runTrial(rng, judge, plan);
    if (r.verdict === 'promote') out.promote++;
    else if (r.verdict === 'rollback') out.rollback++;
    else out.inconclusive++;
    out.looks.push(r.look);
  }
  return out;
}
