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
  /** Completions and arrivals per second, averaged over the intervals. */
  completedPerSec: number;
  arrivedPerSec: number;
  /** Requests in service per interval (summed over instances), averaged. */
  inFlight: number;
  /** Mean queue depth per interval (the max over records of one interval), averaged. */
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

  backendLoad(backend: string, backendOf: BackendOf): BackendLoad {
    const mine = this.records.filter((r) => backendOf(r.instance) === backend);
    const starts = [...new Set(mine.map((r) => r.start))].sort((a, b) => a - b);
    const latency = new LatencyHistogram();
    let completed = 0;
    let arrived = 0;
    let inFlight = 0;
    let seconds = 0;
    const queueByStart = new Map<number, number>();
    const instancesByStart = new Map<number, number>();
    const seen = new Set<number>();
    for (const r of mine) {
      completed += r.completed;
      arrived += r.arrived;
      inFlight += r.inFlight;
      if (!seen.has(r.start)) {
        seen.add(r.start);
        seconds += r.intervalMs / 1000;
      }
      queueByStart.set(r.start, Math.max(queueByStart.get(r.start) ?? 0, r.queueDepthMean));
      if (r.instances !== null)
        instancesByStart.set(r.start, Math.max(instancesByStart.get(r.start) ?? 0, r.instances));
      if (r.latencyHistogram.count > 0) latency.merge(LatencyHistogram.fromJSON(r.latencyHistogram));
    }
    const n = starts.length;
    const last = starts.length > 0 ? instancesByStart.get(starts[starts.length - 1]) : undefined;
    let queue = 0;
    for (const q of queueByStart.values()) queue += q;
    return {
      intervals: n,
      completedPerSec: seconds > 0 ? completed / seconds : 0,
      arrivedPerSec: seconds > 0 ? arrived / seconds : 0,
      inFlight: n > 0 ? inFlight / n : 0,
      queueDepth: n > 0 ? queue / n : 0,
      instances: last ?? null,
      latency,
    };
  }
}
