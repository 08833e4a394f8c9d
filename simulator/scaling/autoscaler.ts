/**
 * The scaling policy of one pool, evaluated every `intervalMs`:
 *
 *   fixed     never changes the count
 *   reactive  the HPA rule (gateway-core/scaling/hpa-rule.ts) on utilisation
 *             = (in flight + queued) / (ready x slots)
 *
 * An external scale-ahead signal (the controller's forecast) sets a floor: the count is at
 * least the signal until it is changed or cleared. A scale-down override (the controller's
 * forecast says demand is falling) releases the stabilisation window's hold down to
 *
 *   desired = min(stabilised, max(raw, min(override, current)))
 *
 * never below what the rule asks for right now (raw), so it cannot starve the pool, and never
 * above the current count (an override only lets the pool shrink; the floor is for growing).
 */
import type { Environment } from '../kernel/environment.js';
import { HpaRule } from '../../gateway-core/scaling/hpa-rule.js';
import type { ScalingActuator } from './scaling-actuator.js';

export interface AutoscalerSpec {
  policy: 'fixed' | 'reactive';
  intervalMs: number;
  target: number;
  tolerance: number;
  stabilisationMs: number;
}

/** What the autoscaler reads: load on the pool now. */
export type LoadProbe = () => { busy: number; slotsPerInstance: number };

export class Autoscaler {
  private readonly hpa: HpaRule | null;
  private scaleAhead: number | null = null;
  private scaleDownOverride: number | null = null;
  /** The last utilisation seen (for telemetry and tests). */
  lastMetric = 0;

  constructor(
    private readonly env: Environment,
    readonly actuator: ScalingActuator,
    private readonly probe: LoadProbe,
    private readonly spec: AutoscalerSpec,
  ) {
    this.hpa =
      spec.policy === 'reactive'
        ? new HpaRule({
            // Bounds and the pace of scale-ups are the actuator's (min, max, cooldown).
            minReplicas: 1,
            maxReplicas: Number.MAX_SAFE_INTEGER,
            target: spec.target,
            tolerance: spec.tolerance,
            scaleDownWindowMs: spec.stabilisationMs,
            upPercent: Number.POSITIVE_INFINITY,
            upPods: Number.POSITIVE_INFINITY,
          })
        : null;
  }

  /** Starts the periodic evaluation. */
  start(endMs: number): void {
    const tick = () => {
      this.evaluate();
      const next = this.env.now() + this.spec.intervalMs;
      if (next <= endMs) this.env.schedule(next, tick, null);
    };
    this.env.schedule(this.env.now() + this.spec.intervalMs, tick, null);
  }

  /** The controller's scale-ahead floor (null clears it). Applied at the next evaluation. */
  setScaleAhead(instances: number | null): void {
    this.scaleAhead = instances;
  }

  /** The controller's scale-down override (null clears it). Applied at the next evaluation. */
  setScaleDownOverride(instances: number | null): void {
    this.scaleDownOverride = instances;
  }

  evaluate(): void {
    const ready = this.actuator.ready;
    let desired = this.actuator.current;
    if (this.hpa !== null && ready > 0) {
      const load = this.probe();
      this.lastMetric = load.busy / (ready * load.slotsPerInstance);
      desired = this.hpa.desired(this.env.now(), ready, this.lastMetric);
      if (this.scaleDownOverride !== null)
        desired = Math.min(
          desired,
          Math.max(
            this.hpa.recommend(ready, this.lastMetric),
            Math.min(this.scaleDownOverride, this.actuator.current),
          ),
        );
    }
    if (this.scaleAhead !== null) desired = Math.max(desired, this.scaleAhead);
    this.actuator.setDesired(desired);
  }
}
