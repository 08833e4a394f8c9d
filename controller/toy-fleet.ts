/**
 * ToyFleet: a tiny in-memory gateway fleet that plays both sides of the controller's interfaces
 * (PolicyActuator, FleetActuator, TelemetrySource), for unit tests of the loop without the
 * simulator. Each call to `tick()` closes one interval: `rps` requests arrive, a `percent` share
 * goes to the canary, and each arm's latency, error rate and cost per request come from
 * `behaviour(doc)` of the policy it runs, drawn with a seeded Rng and written as interval records
 * (one per arm), the same type the engine emits.
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { SeededRng } from '../gateway-core/rng.js';
import type { Arm, IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
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

export interface ToyFleetOptions {
  doc: PolicyDocument;
  rng: SeededRng;
  intervalMs: number;
  /** Arrivals per second, by tenant; may change between ticks. */
  rps: Record<string, number>;
  behaviour: (doc: PolicyDocument) => ArmBehaviour;
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
    for (const [tenant, rps] of Object.entries(this.rps)) {
      const n = Math.round(rps * seconds);
      const toCanary = this.canary ? Math.round((n * this.canary.percent) / 100) : 0;
      this.records.push(
        this.record(start, tenant, 'control', this.control.version, this.control.doc, n - toCanary),
      );
      if (this.canary)
        this.records.push(
          this.record(start, tenant, 'canary', this.canary.version, this.canary.doc, toCanary),
        );
    }
    this.now += this.o.intervalMs;
  }

  private record(
    start: number,
    tenant: string,
    arm: Arm,
    version: number,
    doc: PolicyDocument,
    n: number,
  ): IntervalRecord {
    const b = this.o.behaviour(doc);
    const h = new LatencyHistogram();
    let failed = 0;
    for (let i = 0; i < n; i++) {
      if (this.o.rng.next() < b.errorRate) failed++;
      else h.record(this.o.rng.logNormal(b.medianMs, b.sigma));
    }
    return {
      tenant,
      model: 'm',
      instance: 'i',
      tier: doc.tenants[tenant]?.tier ?? 'standard',
      arm,
      policyVersion: version,
      start,
      intervalMs: this.o.intervalMs,
      arrived: n,
      completed: n - failed,
      rejected: 0,
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
      inFlight: 0,
      instances: this.instances.get('gpu') ?? null,
      breakerState: null,
    };
  }
}
