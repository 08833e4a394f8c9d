/**
 * The record of an interval in which nothing happened to a series: every count 0, no latency,
 * no gauges. What a consumer reads for a silent series, and the base that tests and tools
 * spread their few non-zero fields over (one definition instead of a copy per test file).
 */
import { LatencyHistogram } from '../histogram.js';
import type { IntervalRecord, IntervalTags } from './interval-record.js';

export function quietIntervalRecord(tags: IntervalTags, start: number, intervalMs: number): IntervalRecord {
  return {
    ...tags,
    start,
    intervalMs,
    arrived: 0,
    completed: 0,
    rejected: 0,
    failed: 0,
    timedOut: 0,
    cacheHits: 0,
    cacheLookups: 0,
    withinSlo: 0,
    latencyMs: { p50: null, p90: null, p99: null, mean: null, max: null },
    latencyHistogram: new LatencyHistogram().toJSON(),
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    queueDepthMax: 0,
    queueDepthMean: 0,
    inFlight: 0,
    instances: null,
    breakerState: null,
  };
}
