/**
 * ToyFleet: a tiny in-memory gateway fleet that plays both sides of the controller's interfaces
 * (PolicyActuator, FleetActuator, TelemetrySource), for unit tests of the loop without the
 * simulator. Each call to `tick()` closes one interval: `rps` requests arrive, a `percent` share
 * goes to the canary, and each arm's latency, error rate and cost per request come from
 * `behaviour(doc, context)` of the policy it runs, drawn with a seeded Rng and written as interval
 * records (one per arm and tenant), the same type the engine emits. Crude on purpose:
 *   - a tenant's requests-per-minute limit (policy-patch's tenant limit) admits at most rpm/60
 *     of its rate; the excess is rejected (each arm as if its policy ran the whole fleet);
 *   - in-flight by Little's law: completions per second x mean latency (s), summed over the
 *     interval's records and repeated on each (a pool gauge, as the engine reports it);
 *   - records name the first instance of the policy's first backend.
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { SeededRng } from '../gateway-core/rng.js';
import type { Arm, IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { isTenantRequestLimit } from './tuners/policy-patch.js';
import type {
  CanaryState,
  FleetActuator,
  PolicyActuator,
  RolloutState,
  TelemetrySource,
} from './interfaces.js';

export interface ArmBehaviour {
  medianMs: number;
  sigma: number;
  errorRate: number;
  costPerRequest: number;
}

export interface ToyContext {
  tenant: string;
  /** Admitted requests per second over all tenants, had this arm's policy run the whole fleet. */
  admittedRps: number;
  /** Instances provisioned (setDesiredInstances, else the policy's list) in the first backend. */
  instances: number;
}

export interface ToyFleetOptions {
  doc: PolicyDocument;
  rng: SeededRng;
  intervalMs: number;
  /** Arrivals per second, by tenant; may change between ticks. */
  rps: Record<string, number>;
  behaviour: (doc: PolicyDocument, context: ToyContext) => ArmBehaviour;
  startMs?: number;
}

export class ToyFleet implements PolicyActuator, FleetActuator, TelemetrySource {
  now: number;
  rps: Record<string, number>;
  private control: { version: number; doc: PolicyDocument };
  private canary: (CanaryState & { doc: PolicyDocument }) | null = null;
  private nextVersion: number;
  private readonly records: IntervalRecord[] = [];
  readonly actions: string[] = [];
  readonly instances = new Map<string, number>();

  constructor(private readonly o: ToyFleetOptions) {
    this.now = o.startMs ?? 0;
    this.rps = { ...o.rps };
    this.control = { version: 1, doc: o.doc };
    this.nextVersion = 2;
  }

  applyCanary(doc: PolicyDocument, percent: number): number {
    const version = this.nextVersion++;
    this.canary = { version, percent, startedAt: this.now, doc };
    this.actions.push(`canary v${version} ${percent}%`);
    return version;
  }

  promote(): void {
    if (!this.canary) return;
    this.control = { version: this.canary.version, doc: this.canary.doc };
    this.actions.push(`promote v${this.canary.version}`);
    this.canary = null;
  }

  rollback(): void {
    if (!this.canary) return;
    this.actions.push(`rollback v${this.canary.version}`);
    this.canary = null;
  }

  currentVersion(): RolloutState {
    const c = this.canary;
    return {
      control: { ...this.control },
      canary: c ? { version: c.version, percent: c.percent, startedAt: c.startedAt } : null,
    };
  }

  applyPolicy(doc: PolicyDocument): void {
    this.control = { version: this.nextVersion++, doc };
    this.actions.push(`apply v${this.control.version}`);
  }

  setDesiredInstances(backend: string, instances: number): void {
    this.instances.set(backend, instances);
    this.actions.push(`scale ${backend} ${instances}`);
  }

  window(fromMs: number, toMs: number): IntervalRecord[] {
    return this.records.filter((r) => r.start >= fromMs && r.start + r.intervalMs <= toMs);
  }

  /** Closes one interval of traffic and advances the clock. */
  tick(): void {
    const start = this.now;
    const seconds = this.o.intervalMs / 1000;
    const fresh: IntervalRecord[] = [];
    for (const [tenant, rps] of Object.entries(this.rps)) {
      const n = Math.round(rps * seconds);
      const toCanary = this.canary ? Math.round((n * this.canary.percent) / 100) : 0;
      fresh.push(this.record(start, tenant, 'control', this.control.version, this.control.doc, n - toCanary));
      if (this.canary)
        fresh.push(this.record(start, tenant, 'canary', this.canary.version, this.canary.doc, toCanary));
    }
    // In flight is a pool gauge: the engine repeats the pool's value on every record.
    const pool = fresh.reduce((s, r) => s + r.inFlight, 0);
    for (const r of fresh) this.records.push({ ...r, inFlight: pool });
    this.now += this.o.intervalMs;
  }

  private admittedShare(doc: PolicyDocument, tenant: string): number {
    const rps = this.rps[tenant] ?? 0;
    const rpm = doc.tenants[tenant]?.limits?.find(isTenantRequestLimit)?.rpm;
    return rpm === undefined || rps <= rpm / 60 ? 1 : rpm / 60 / rps;
  }

  private backendOf(doc: PolicyDocument): { name: string; instance: string } {
    const [name, spec] = Object.entries(doc.backends)[0];
    return { name, instance: spec.instances[0].id };
  }

  private record(
    start: number,
    tenant: string,
    arm: Arm,
    version: number,
    doc: PolicyDocument,
    arrived: number,
  ): IntervalRecord {
    const backend = this.backendOf(doc);
    const instances = this.instances.get(backend.name) ?? doc.backends[backend.name].instances.length;
    const admittedRps = Object.keys(this.rps).reduce(
      (s, t) => s + (this.rps[t] ?? 0) * this.admittedShare(doc, t),
      0,
    );
    const b = this.o.behaviour(doc, { tenant, admittedRps, instances });
    const n = Math.round(arrived * this.admittedShare(doc, tenant));
    const h = new LatencyHistogram();
    let failed = 0;
    for (let i = 0; i < n; i++) {
      if (this.o.rng.next() < b.errorRate) failed++;
      else h.record(this.o.rng.logNormal(b.medianMs, b.sigma));
    }
    return {
      tenant,
      model: 'm',
      instance: backend.instance,
      tier: doc.tenants[tenant]?.tier ?? 'standard',
      arm,
      policyVersion: version,
      start,
      intervalMs: this.o.intervalMs,
      arrived,
      completed: n - failed,
      rejected: arrived - n,
      failed,
      timedOut: 0,
      cacheHits: 0,
      cacheLookups: 0,
      withinSlo: n - failed,
      latencyMs: {
        p50: h.quantile(0.5),
        p90: h.quantile(0.9),
        p99: h.quantile(0.99),
        mean: h.mean(),
        max: h.count ? h.max : null,
      },
      latencyHistogram: h.toJSON(),
      inputTokens: 0,
      outputTokens: 0,
      costUsd: n * b.costPerRequest,
      queueDepthMax: 0,
      queueDepthMean: 0,
      inFlight: ((n - failed) / (this.o.intervalMs / 1000)) * ((h.mean() ?? 0) / 1000),
      instances,
      breakerState: null,
    };
  }
}
