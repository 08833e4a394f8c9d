/**
 * SimulatedFleet: the controller's view of one simulation run. It plays the three interfaces a
 * controller mode needs (TelemetrySource, PolicyActuator, FleetActuator) over the simulator's
 * engine and autoscalers, and records what the controller did for the report: rollout markers
 * (canary start, promote, rollback), scale-ahead targets, and the rate limits and queue weights
 * of the control policy each interval.
 *
 *   telemetry  every interval record the run emitted, looked up by interval start
 *   canary     engine.setCanary / promoteCanary / clearCanary (startedAt kept here), split by
 *              request id by default: a scenario has a handful of API keys, and a split by key
 *              can leave the canary with no traffic at all (the judge then never decides)
 *   scaling    autoscaler.setScaleAhead(n): a floor under the pool's own rule;
 *              autoscaler.setScaleDownOverride(n): releases its scale-down stabilisation
 *   prewarm    ctx.prewarm(keys): the gateway's own upstream calls refill those cache entries
 *              (runs given a CacheDemand only; elsewhere a no-op)
 */
import type { SplitBy } from '../gateway-core/engine/policy-engine.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import type { Actuator } from '../controller/controller-mode.js';
import type { RolloutState, TelemetrySource } from '../controller/interfaces.js';
import type { SimulationContext } from '../simulator/run-simulation.js';
import type { RunSeries } from './run-series.js';

export class SimulatedFleet implements Actuator, TelemetrySource {
  private readonly records: IntervalRecord[] = [];
  private ctx: SimulationContext | null = null;
  private canaryStartedAt = 0;
  private canaryDoc: PolicyDocument | null = null;

  constructor(
    private readonly series: RunSeries,
    private readonly splitBy: SplitBy = 'requestId',
  ) {}

  /** Binds to the run's context (available from the first control interval on). */
  bind(ctx: SimulationContext): void {
    this.ctx = ctx;
  }

  private get context(): SimulationContext {
    if (!this.ctx) throw new Error('SimulatedFleet: used before the first control interval');
    return this.ctx;
  }

  private nowS(): number {
    return this.context.env.now() / 1000;
  }

  /** The simulator's telemetry sink feeds this. */
  absorb(records: readonly IntervalRecord[]): void {
    for (const r of records) this.records.push(r);
  }

  window(fromMs: number, toMs: number): IntervalRecord[] {
    return this.records.filter((r) => r.start >= fromMs && r.start < toMs);
  }

  applyCanary(doc: PolicyDocument, percent: number): number {
    // By request id, as EngineBridge does: split by API key, a scenario's handful of keys can
    // leave the canary arm empty (flash-sale's three keys all hash above 20%).
    const { version } = this.context.engine.setCanary(doc, { percent, by: this.splitBy });
    this.canaryStartedAt = this.context.env.now();
    this.canaryDoc = doc;
    this.series.rollouts.push({ t: this.nowS(), kind: 'canary-start', detail: `v${version} on ${percent}%` });
    return version;
  }

  promote(): void {
    const done = this.context.engine.promoteCanary();
    if (done === null) return;
    this.canaryDoc = null;
    this.series.rollouts.push({ t: this.nowS(), kind: 'promote', detail: `v${done.version}` });
  }

  rollback(): void {
    const state = this.context.engine.canaryState;
    if (state === null) return;
    this.context.engine.clearCanary();
    this.canaryDoc = null;
    this.series.rollouts.push({ t: this.nowS(), kind: 'rollback', detail: `v${state.version}` });
  }

  currentVersion(): RolloutState {
    const engine = this.context.engine;
    const c = engine.canaryState;
    return {
      control: { version: engine.version, doc: engine.policy },
      canary:
        c && this.canaryDoc
          ? { version: c.version, percent: c.percent, startedAt: this.canaryStartedAt }
          : null,
    };
  }

  applyPolicy(doc: PolicyDocument): void {
    this.context.applyPolicy(doc);
  }

  setDesiredInstances(backend: string, instances: number): void {
    const scaler = this.context.autoscalers.get(backend);
    if (!scaler) return;
    scaler.setScaleAhead(instances);
    this.series.scaleAhead.push({ t: this.nowS(), target: instances });
  }

  releaseScaleDown(backend: string, instances: number | null): void {
    this.context.autoscalers.get(backend)?.setScaleDownOverride(instances);
  }

  prewarm(keys: readonly string[]): void {
    this.context.prewarm?.(keys);
  }

  /** Samples the control policy's tenant request limits (rpm) and queue weights for the report. */
  sampleKnobs(): void {
    const doc = this.context.engine.policy;
    const t = this.nowS();
    for (const [tenant, spec] of Object.entries(doc.tenants).sort(([a], [b]) => a.localeCompare(b))) {
      for (const l of spec.limits ?? []) {
        if (l.rpm !== undefined) this.series.rateLimits.push({ t, key: `${tenant} rpm`, value: l.rpm });
      }
    }
    for (const [backend, spec] of Object.entries(doc.backends).sort(([a], [b]) => a.localeCompare(b))) {
      for (const [cls, w] of Object.entries(spec.queue?.weights ?? {}).sort(([a], [b]) =>
        a.localeCompare(b),
      )) {
        this.series.queueWeights.push({ t, key: `${backend}/${cls}`, value: w });
      }
    }
  }
}
