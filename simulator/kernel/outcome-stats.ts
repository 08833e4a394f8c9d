/**
 * Counters and streaming percentiles for one slice of a run (the whole run, a tier, a tenant,
 * a model). Latency percentiles come from LatencyHistogram (DDSketch, 1% relative error), so
 * memory does not grow with the number of requests.
 */
import { presizedHistogram } from './presized-histogram.js';

export interface OutcomeSummary {
  requests: number;
  completed: number;
  rejected: number;
  failed: number;
  timedOut: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; mean: number | null };
  ttftMs: { p50: number | null; p90: number | null; p99: number | null };
  goodputRps: number;
  tokens: { input: number; output: number };
  costUsd: number;
  cacheHits: number;
}

export class OutcomeStats {
  requests = 0;
  completed = 0;
  rejected = 0;
  failed = 0;
  timedOut = 0;
  withinSlo = 0;
  cacheHits = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  readonly latency = presizedHistogram();
  readonly ttft = presizedHistogram();

  /** A successful answer (backend or cache) after `latencyMs` end to end. */
  recordCompleted(latencyMs: number, ttftMs: number | null, metSlo: boolean): void {
    this.completed++;
    this.latency.record(latencyMs);
    if (ttftMs !== null) this.ttft.record(ttftMs);
    if (metSlo) this.withinSlo++;
  }

  /** Adds another slice's counts and histograms into this one. */
  merge(o: OutcomeStats): void {
    this.requests += o.requests;
    this.completed += o.completed;
    this.rejected += o.rejected;
    this.failed += o.failed;
    this.timedOut += o.timedOut;
    this.withinSlo += o.withinSlo;
    this.cacheHits += o.cacheHits;
    this.inputTokens += o.inputTokens;
    this.outputTokens += o.outputTokens;
    this.costUsd += o.costUsd;
    this.latency.merge(o.latency);
    this.ttft.merge(o.ttft);
  }

  toJSON(simulatedSeconds: number): OutcomeSummary {
    const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
    return {
      requests: this.requests,
      completed: this.completed,
      rejected: this.rejected,
      failed: this.failed,
      timedOut: this.timedOut,
      latencyMs: {
        p50: round(this.latency.quantile(0.5)),
        p90: round(this.latency.quantile(0.9)),
        p99: round(this.latency.quantile(0.99)),
        mean: round(this.latency.mean()),
      },
      ttftMs: {
        p50: round(this.ttft.quantile(0.5)),
        p90: round(this.ttft.quantile(0.9)),
        p99: round(this.ttft.quantile(0.99)),
      },
      goodputRps: simulatedSeconds > 0 ? Math.round((this.withinSlo / simulatedSeconds) * 1000) / 1000 : 0,
      tokens: { input: this.inputTokens, output: this.outputTokens },
      costUsd: Math.round(this.costUsd * 1e6) / 1e6,
      cacheHits: this.cacheHits,
    };
  }
}

/** OutcomeStats keyed by a name (tier, tenant, model), created on first use. */
export class OutcomeStatsMap {
  private readonly map = new Map<string, OutcomeStats>();

  get(key: string): OutcomeStats {
    let s = this.map.get(key);
    if (s === undefined) {
      s = new OutcomeStats();
      this.map.set(key, s);
    }
    return s;
  }

  entries(): Array<[string, OutcomeStats]> {
    return [...this.map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  toJSON(simulatedSeconds: number): Record<string, OutcomeSummary> {
    const out: Record<string, OutcomeSummary> = {};
    for (const [k, s] of this.entries()) out[k] = s.toJSON(simulatedSeconds);
    return out;
  }
}
