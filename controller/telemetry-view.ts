/**
 * A read-only view over a batch of interval records: the sums and merges the controller's
 * modes need (arrivals per tenant, latency per tier, load per backend). Records are per
 * (tenant, model, instance, tier, arm, policyVersion); a backend is found from its instance id
 * through `backendOf` (instance ids listed in the policy, else the longest backend name the id
 * starts with, which is how scaled-out instances are named).
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';

export type BackendOf = (instanceId: string) => string | null;

export function backendResolver(doc: PolicyDocument): BackendOf {
  const byId = new Map<string, string>();
  for (const [name, spec] of Object.entries(doc.backends))
    for (const i of spec.instances) byId.set(i.id, name);
  const names = Object.keys(doc.backends).sort((a, b) => b.length - a.length);
  return (id) => byId.get(id) ?? names.find((n) => id.startsWith(n)) ?? null;
}

export interface BackendLoad {
  /** Interval starts covered. */
  intervals: number;
  /** Completions per second; arrivals per second (0 unless the policy is given to attribute them). */
  completedPerSec: number;
  arrivedPerSec: number;
  /** Requests in service in the pool (a gauge), averaged over intervals. */
  inFlight: number;
  /** Mean queue depth of the pool per interval, averaged over intervals. */
  queueDepth: number;
  /** Instances provisioned at the latest interval (null when no record says). */
  instances: number | null;
  latency: LatencyHistogram;
}

export class TelemetryView {
  constructor(readonly records: readonly IntervalRecord[]) {}

  /** Interval start times present, ascending. */
  starts(): number[] {
    return [...new Set(this.records.map((r) => r.start))].sort((a, b) => a - b);
  }

  only(filter: (r: IntervalRecord) => boolean): TelemetryView {
    return new TelemetryView(this.records.filter(filter));
  }

  /** Arrivals per tenant (all arms: demand does not depend on the policy that served it). */
  arrivalsByTenant(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.records) out.set(r.tenant, (out.get(r.tenant) ?? 0) + r.arrived);
    return out;
  }

  /** Merged latency histogram per tier. */
  latencyByTier(): Map<string, LatencyHistogram> {
    const out = new Map<string, LatencyHistogram>();
    for (const r of this.records) {
      if (r.latencyHistogram.count === 0) continue;
      const h = LatencyHistogram.fromJSON(r.latencyHistogram);
      const prev = out.get(r.tier);
      if (prev) prev.merge(h);
      else out.set(r.tier, h);
    }
    return out;
  }

  /**
   * Arrivals per backend pool: requests are counted where they arrive (before routing, on the
   * instance '-' record), so they are attributed to the first pool of their model's chain;
   * cache hits never reach a pool and are left out.
   */
  arrivalsByBackend(doc: PolicyDocument): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.records) {
      const pool = doc.models[r.model]?.backends[0];
      if (pool === undefined) continue;
      out.set(pool, (out.get(pool) ?? 0) + Math.max(0, r.arrived - r.cacheHits));
    }
    return out;
  }

  /**
   * Load on one pool. Queue depth, in-flight and instances are pool gauges that the engine
   * repeats on every record of the pool's instances, so they are read once per interval (the
   * max over its records), never summed.
   */
  backendLoad(backend: string, backendOf: BackendOf, doc?: PolicyDocument): BackendLoad {
    const mine = this.records.filter((r) => backendOf(r.instance) === backend);
    const latency = new LatencyHistogram();
    let completed = 0;
    const perStart = new Map<
      number,
      { seconds: number; inFlight: number; queue: number; instances: number | null }
    >();
    for (const r of mine) {
      completed += r.completed;
      const g = perStart.get(r.start) ?? {
        seconds: r.intervalMs / 1000,
        inFlight: 0,
        queue: 0,
        instances: null,
      };
      g.inFlight = Math.max(g.inFlight, r.inFlight);
      g.queue = Math.max(g.queue, r.queueDepthMean);
      if (r.instances !== null) g.instances = Math.max(g.instances ?? 0, r.instances);
      perStart.set(r.start, g);
      if (r.latencyHistogram.count > 0) latency.merge(LatencyHistogram.fromJSON(r.latencyHistogram));
    }
    const starts = [...perStart.keys()].sort((a, b) => a - b);
    let seconds = 0;
    let inFlight = 0;
    let queue = 0;
    for (const g of perStart.values()) {
      seconds += g.seconds;
      inFlight += g.inFlight;
      queue += g.queue;
    }
    const n = starts.length;
    const arrived = doc ? (this.arrivalsByBackend(doc).get(backend) ?? 0) : 0;
    const allSeconds =
      (new Set(this.records.map((r) => r.start)).size * (this.records[0]?.intervalMs ?? 0)) / 1000;
    return {
      intervals: n,
      completedPerSec: seconds > 0 ? completed / seconds : 0,
      arrivedPerSec: allSeconds > 0 ? arrived / allSeconds : 0,
      inFlight: n > 0 ? inFlight / n : 0,
      queueDepth: n > 0 ? queue / n : 0,
      instances: n > 0 ? (perStart.get(starts[n - 1])?.instances ?? null) : null,
      latency,
    };
  }
}
