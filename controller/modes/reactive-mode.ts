/**
 * `reactive`: HPA-rule scaling with the policy's fixed limits. Per backend, each interval:
 *
 *   metric  = (requests in service + queued) / replicas      (per-replica concurrency demand)
 *   target  = targetUtilization * maxConcurrencyPerInstance
 *   desired = HpaRule(now, replicas, metric)                  (tolerance, stabilisation, caps)
 *
 * `replicas` is the last count this mode asked for (Kubernetes' spec.replicas), not the count
 * already provisioned, so a scale-up still in its provisioning delay is not asked for again.
 */
import { HpaRule } from '../../gateway-core/scaling/hpa-rule.js';
import type { Actuator, ControllerMode } from '../controller-mode.js';
import type { TelemetrySource } from '../interfaces.js';
import { backendResolver, TelemetryView } from '../telemetry-view.js';

export interface ReactiveBackend {
  minInstances: number;
  maxInstances: number;
  /** Fraction of the per-instance concurrency to aim for (default 0.7). */
  targetUtilization?: number;
  scaleDownWindowMs?: number;
}

export interface ReactiveOptions {
  intervalMs: number;
  backends: Record<string, ReactiveBackend>;
}

export class ReactiveMode implements ControllerMode {
  readonly name = 'reactive' as const;
  private readonly rules = new Map<string, HpaRule>();
  private readonly desired = new Map<string, number>();

  constructor(private readonly options: ReactiveOptions) {}

  onInterval(now: number, telemetry: TelemetrySource, actuator: Actuator): void {
    const doc = actuator.currentVersion().control.doc;
    const view = new TelemetryView(telemetry.window(now - this.options.intervalMs, now));
    const backendOf = backendResolver(doc);
    for (const [backend, cfg] of Object.entries(this.options.backends)) {
      const spec = doc.backends[backend];
      if (!spec) continue;
      const perInstance = spec.maxConcurrencyPerInstance ?? 1;
      let rule = this.rules.get(backend);
      if (!rule) {
        rule = new HpaRule({
          minReplicas: cfg.minInstances,
          maxReplicas: cfg.maxInstances,
          target: (cfg.targetUtilization ?? 0.7) * perInstance,
          ...(cfg.scaleDownWindowMs !== undefined ? { scaleDownWindowMs: cfg.scaleDownWindowMs } : {}),
        });
        this.rules.set(backend, rule);
      }
      const load = view.backendLoad(backend, backendOf);
      if (load.intervals === 0) continue;
      const replicas = this.desired.get(backend) ?? load.instances ?? spec.instances.length;
      const metric = (load.inFlight + load.queueDepth) / Math.max(1, replicas);
      const want = rule.desired(now, replicas, metric);
      if (want !== replicas || !this.desired.has(backend)) {
        this.desired.set(backend, want);
        if (want !== replicas) actuator.setDesiredInstances?.(backend, want);
      }
    }
  }
}
