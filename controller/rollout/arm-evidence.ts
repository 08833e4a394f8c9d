/**
 * Telemetry interval records -> the judge's evidence for one arm. Histograms merge by adding
 * bucket counts, so the arm's latency distribution over the whole canary window is exact up to
 * the histogram's relative error; counts and cost add up.
 *
 *   requests = completed + failed + timedOut   (requests that ended; rejections are policy, not
 *                                              service quality, and are counted apart:
 *                                              rejected / arrived)
 */
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import type { Arm, IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import type { ArmEvidence } from '../judge/rollout-judge.js';

export interface ArmSummary extends ArmEvidence {
  latency: LatencyHistogram;
  rejected: number;
  arrived: number;
}

/**
 * `rejectionExempt`: tenants whose refusals are intended (a candidate tightening an abusive
 * tenant), left out of `rejected` and `arrived` so the rejection check judges everyone else.
 * `scope`: the tenants a candidate can affect (null: all). Traffic outside it is treated alike
 * by both arms, so it adds only noise to the comparison (and rejections by untouched limits can
 * keep a verdict undecided for ever).
 */
export function armEvidence(
  records: readonly IntervalRecord[],
  arm: Arm,
  policyVersion: number,
  rejectionExempt: ReadonlySet<string> = new Set(),
  scope: ReadonlySet<string> | null = null,
): ArmSummary {
  let hist: LatencyHistogram | null = null;
  const out = { requests: 0, errors: 0, timeouts: 0, costUsd: 0, rejected: 0, arrived: 0 };
  for (const r of records) {
    if (r.arm !== arm || r.policyVersion !== policyVersion) continue;
    if (scope !== null && !scope.has(r.tenant)) continue;
    out.requests += r.completed + r.failed + r.timedOut;
    out.errors += r.failed;
    out.timeouts += r.timedOut;
    out.costUsd += r.costUsd;
    if (!rejectionExempt.has(r.tenant)) {
      out.rejected += r.rejected;
      out.arrived += r.arrived;
    }
    if (r.latencyHistogram.count > 0) {
      const h = LatencyHistogram.fromJSON(r.latencyHistogram);
      if (hist === null) hist = h;
      else hist.merge(h);
    }
  }
  return { latency: hist ?? new LatencyHistogram(), ...out };
}
