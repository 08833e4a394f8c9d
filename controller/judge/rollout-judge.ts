/**
 * RolloutJudge: canary versus control, decided with anytime-valid confidence sequences so the
 * rollout manager may ask after every control interval without inflating false alarms.
 *
 * Each check estimates a harm theta (canary worse when theta > 0) with variance V and takes the
 * normal-mixture confidence sequence [lower, upper] (confidence-sequence.ts):
 *   latency-rank   theta = AUC - 1/2, AUC = U_canary / (n1 n2)       (Mann-Whitney, tie-corrected V)
 *   latency-mean   theta = mean_c / mean_k - 1                         (delta method)
 *   latency-tail   theta = share of canary above the pooled p99 - share of control above it
 *   errors         theta = p_c - p_k                                   (Agresti-Caffo: +1/+2 per arm)
 *   timeouts       theta = p_c - p_k
 *   rejections     theta = p_c - p_k of 429s among arrivals (when the evidence carries them)
 *   cost           cost per request, canary / control - 1              (a point guard, not a test)
 * Verdicts, in this order:
 *   inconclusive  fewer than minSamples latencies or requests in an arm; or the final look passed
 *                 with nothing decided (the rollout manager then keeps control: rolls back)
 *   rollback      some harm check's lower bound > 0, each at alpha / (number of harm checks)
 *                 (Bonferroni: the family-wise false-rollback rate stays <= alpha at every look);
 *                 a sparse error/timeout count (an expected cell < 5) must also pass Fisher's exact
 *                 test at that level, because the normal approximation over-rejects there
 *   promote       every non-inferiority check's upper bound < its margin (mean, tail, errors,
 *                 timeouts) and cost within its margin; each at alpha, since promotion needs all of
 *                 them (an intersection-union test: P(promote a change that is harmful beyond a
 *                 margin) <= alpha)
 *   wait          otherwise
 */
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import { confidenceSequence, mixturePValue } from './confidence-sequence.js';
import { mannWhitney } from './mann-whitney.js';
import {
  exceedances,
  groupMoments,
  groupsFromHistograms,
  groupsFromSamples,
  type HistogramJson,
  type RankGroup,
} from './rank-groups.js';
import { fisherExact } from './two-proportion.js';

export interface ArmEvidence {
  /** Latencies of completed requests: raw samples or a (mergeable) histogram. */
  latency: readonly number[] | LatencyHistogram | HistogramJson;
  /** Requests that ended (completed + failed + timed out): the denominator of the rates. */
  requests: number;
  errors: number;
  timeouts: number;
  costUsd: number;
  /** Optional: requests refused by policy (429) out of those that arrived. When both arms give
   * them, a 'rejections' check keeps a candidate from buying latency by refusing traffic. */
  rejected?: number;
  arrived?: number;
}

export type Verdict = 'promote' | 'rollback' | 'wait' | 'inconclusive';

export interface JudgeConfig {
  /** Family-wise false-alarm rate for rollback, and the error of each promotion check. */
  alpha: number;
  /** Least latencies and requests per arm before any verdict other than inconclusive. */
  minSamples: number;
  /** Non-inferiority margins: relative mean latency, absolute tail share above p99, error and timeout rates. */
  meanMargin: number;
  tailMargin: number;
  errorMargin: number;
  timeoutMargin: number;
  rejectionMargin: number;
  /** Relative cost per request the canary may add. */
  costMargin: number;
  /** Quantile whose exceedance the tail check compares. */
  tailQuantile: number;
  /** Mixture scales (the effect each sequence is quickest to find). */
  tauAuc: number;
  tauMean: number;
  tauRate: number;
}

export const defaultJudgeConfig: JudgeConfig = {
  alpha: 0.05,
  minSamples: 200,
  meanMargin: 0.05,
  tailMargin: 0.01,
  errorMargin: 0.01,
  timeoutMargin: 0.01,
  rejectionMargin: 0.01,
  costMargin: 0.05,
  tailQuantile: 0.99,
  tauAuc: 0.05,
  tauMean: 0.05,
  tauRate: 0.01,
};

export interface CheckResult {
  name: 'latency-rank' | 'latency-mean' | 'latency-tail' | 'errors' | 'timeouts' | 'rejections' | 'cost';
  estimate: number;
  /** Confidence-sequence bounds at the harm level (alpha / k) and at the promotion level (alpha). */
  harmLower: number;
  upper: number;
  margin: number | null;
  harm: boolean;
  nonInferior: boolean;
  /** Always-valid p-value of "no difference" at this look. */
  pValue: number;
  /** Always-valid p-value of "harm equals the margin" (null without a margin). */
  marginPValue: number | null;
}

export interface JudgeReport {
  verdict: Verdict;
  reason: string;
  /** Mann-Whitney z of canary versus control (fixed-sample; positive: canary slower), for the record. */
  statistic: number | null;
  /** The deciding check's always-valid p-value (the smallest harm p on rollback). */
  pValue: number | null;
  samples: { canary: number; control: number };
  checks: CheckResult[];
}

function latencyGroups(c: ArmEvidence['latency'], k: ArmEvidence['latency']): RankGroup[] {
  if (Array.isArray(c) && Array.isArray(k)) return groupsFromSamples(c, k);
  const alpha = !Array.isArray(c)
    ? (c as LatencyHistogram | HistogramJson).alpha
    : (k as HistogramJson).alpha;
  const toHist = (x: ArmEvidence['latency']): LatencyHistogram | HistogramJson => {
    if (!Array.isArray(x)) return x as LatencyHistogram | HistogramJson;
    const h = new LatencyHistogram(alpha);
    for (const v of x as readonly number[]) h.record(v);
    return h;
  };
  return groupsFromHistograms(toHist(c), toHist(k));
}

export class RolloutJudge {
  readonly config: JudgeConfig;

  constructor(config: Partial<JudgeConfig> = {}) {
    this.config = { ...defaultJudgeConfig, ...config };
    const c = this.config;
    if (!(c.alpha > 0 && c.alpha < 0.5)) throw new RangeError(`RolloutJudge: alpha must be in (0, 0.5)`);
    if (!(c.minSamples >= 1)) throw new RangeError('RolloutJudge: minSamples must be >= 1');
  }

  /** `final`: this is the last look the rollout budget allows. */
  judge(canary: ArmEvidence, control: ArmEvidence, options: { final?: boolean } = {}): JudgeReport {
    const c = this.config;
    const groups = latencyGroups(canary.latency, control.latency);
    const m = groupMoments(groups);
    const samples = { canary: m.a.n, control: m.b.n };
    const short =
      Math.min(m.a.n, m.b.n) < c.minSamples || Math.min(canary.requests, control.requests) < c.minSamples;
    if (short)
      return {
        verdict: 'inconclusive',
        reason: `fewer than ${c.minSamples} samples in an arm (canary ${m.a.n}/${canary.requests}, control ${m.b.n}/${control.requests})`,
        statistic: null,
        pValue: null,
        samples,
        checks: [],
      };
    const rejections =
      canary.rejected !== undefined &&
      canary.arrived !== undefined &&
      control.rejected !== undefined &&
      control.arrived !== undefined
        ? { xc: canary.rejected, nc: canary.arrived, xk: control.rejected, nk: control.arrived }
        : null;
    const harmAlpha = c.alpha / (rejections ? 6 : 5);
    const checks: CheckResult[] = [];
    const check = (
      name: CheckResult['name'],
      estimate: number,
      variance: number,
      tau: number,
      margin: number | null,
    ): CheckResult => {
      const harmSeq = confidenceSequence(estimate, variance, tau, harmAlpha);
      const niSeq = confidenceSequence(estimate, variance, tau, c.alpha);
      const r: CheckResult = {
        name,
        estimate,
        harmLower: harmSeq.lower,
        upper: niSeq.upper,
        margin,
        harm: harmSeq.lower > 0,
        nonInferior: margin === null || niSeq.upper < margin,
        pValue: mixturePValue(estimate, variance, tau),
        marginPValue: margin === null ? null : mixturePValue(estimate, variance, tau, margin),
      };
      checks.push(r);
      return r;
    };

    const mw = mannWhitney(groups, { exact: false });
    const nn = mw.n1 * mw.n2;
    check('latency-rank', mw.auc - 0.5, mw.variance / (nn * nn), c.tauAuc, null);

    const ratio = m.a.mean / m.b.mean;
    const relVar = m.a.variance / (m.a.n * m.a.mean ** 2) + m.b.variance / (m.b.n * m.b.mean ** 2);
    check('latency-mean', ratio - 1, ratio * ratio * relVar, c.tauMean, c.meanMargin);

    const ex = exceedances(groups, c.tailQuantile);
    check('latency-tail', ...rateDiff(ex.a, m.a.n, ex.b, m.b.n), c.tauRate, c.tailMargin);

    const errors = check(
      'errors',
      ...rateDiff(canary.errors, canary.requests, control.errors, control.requests),
      c.tauRate,
      c.errorMargin,
    );
    const timeouts = check(
      'timeouts',
      ...rateDiff(canary.timeouts, canary.requests, control.timeouts, control.requests),
      c.tauRate,
      c.timeoutMargin,
    );
    if (rejections && rejections.nc > 0 && rejections.nk > 0)
      check(
        'rejections',
        ...rateDiff(rejections.xc, rejections.nc, rejections.xk, rejections.nk),
        c.tauRate,
        c.rejectionMargin,
      );
    // Sparse counts: the harm must also hold by Fisher's exact test.
    for (const [r, xc, xk] of [
      [errors, canary.errors, control.errors],
      [timeouts, canary.timeouts, control.timeouts],
    ] as const) {
      if (!r.harm) continue;
      const total = canary.requests + control.requests;
      const expectedMin =
        (Math.min(canary.requests, control.requests) * Math.min(xc + xk, total - xc - xk)) / total;
      if (expectedMin < 5 && fisherExact(xc, canary.requests, xk, control.requests).pGreater >= harmAlpha)
        r.harm = false;
    }

    const costC = canary.costUsd / canary.requests;
    const costK = control.costUsd / control.requests;
    const costRel = costK > 0 ? costC / costK - 1 : costC > 0 ? Number.POSITIVE_INFINITY : 0;
    checks.push({
      name: 'cost',
      estimate: costRel,
      harmLower: costRel,
      upper: costRel,
      margin: c.costMargin,
      harm: false,
      nonInferior: costRel <= c.costMargin,
      pValue: 1,
      marginPValue: null,
    });

    const statistic = mw.z;
    const harmful = checks.filter((r) => r.harm);
    if (harmful.length > 0) {
      const worst = harmful.reduce((a, b) => (a.pValue <= b.pValue ? a : b));
      return {
        verdict: 'rollback',
        reason: `harm: ${harmful.map((r) => `${r.name} ${fmt(r.estimate)} (lower bound ${fmt(r.harmLower)} > 0)`).join('; ')}`,
        statistic,
        pValue: worst.pValue,
        samples,
        checks,
      };
    }
    const failing = checks.filter((r) => !r.nonInferior);
    if (failing.length === 0) {
      const p = Math.max(...checks.map((r) => r.marginPValue ?? 0));
      return {
        verdict: 'promote',
        reason: `non-inferior on ${checks
          .filter((r) => r.margin !== null)
          .map((r) => r.name)
          .join(', ')}`,
        statistic,
        pValue: p,
        samples,
        checks,
      };
    }
    const pending = failing
      .map((r) => `${r.name} upper ${fmt(r.upper)} vs margin ${fmt(r.margin ?? 0)}`)
      .join('; ');
    return {
      verdict: options.final ? 'inconclusive' : 'wait',
      reason: options.final ? `budget spent undecided: ${pending}` : `not yet non-inferior: ${pending}`,
      statistic,
      pValue: checks[0].pValue,
      samples,
      checks,
    };
  }
}

/** Agresti-Caffo difference of two proportions: adding one success and one failure per arm keeps V > 0 at zero counts. */
function rateDiff(x1: number, n1: number, x2: number, n2: number): [number, number] {
  const p1 = (x1 + 1) / (n1 + 2);
  const p2 = (x2 + 1) / (n2 + 2);
  return [p1 - p2, (p1 * (1 - p1)) / (n1 + 2) + (p2 * (1 - p2)) / (n2 + 2)];
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}
