/**
 * `gradient2`: Netflix Gradient2 adaptive concurrency on each backend's total concurrency,
 * fed once per control interval (the engine's limiter has no per-request hook for it):
 *
 *   rtt      = inFlight / completedPerSec                 (Little's law: service time only;
 *                                                         end-to-end latency would count the
 *                                                         queueing the limit itself causes)
 *   inflight = requests in service + queued               (demand on the limiter)
 *   limit    = Gradient2Limit.onSample(rtt, inflight)
 *   maxConcurrencyPerInstance = max(1, floor(limit / replicas))  -> applyPolicy (no canary)
 *
 * Falls back to the median latency when nothing was in service at the interval's end.
 * The long-RTT window counts intervals here (default 60, ten minutes at 10 s).
 */
import { type Gradient2Options, Gradient2Limit } from '../baselines/gradient2-limit.js';
import type { Actuator, ControllerMode } from '../controller-mode.js';
import type { TelemetrySource } from '../interfaces.js';
import { backendResolver, TelemetryView } from '../telemetry-view.js';
import { applyChanges } from '../tuners/policy-patch.js';

export interface Gradient2ModeOptions {
  intervalMs: number;
  backends: string[];
  limit?: Partial<Gradient2Options>;
  /** Most requests in service per instance the limit may reach. */
  maxPerInstance?: number;
}

export class Gradient2Mode implements ControllerMode {
  readonly name = 'gradient2' as const;
  private readonly limits = new Map<string, Gradient2Limit>();

  constructor(private readonly options: Gradient2ModeOptions) {}

  onInterval(now: number, telemetry: TelemetrySource, actuator: Actuator): void {
    const doc = actuator.currentVersion().control.doc;
    const view = new TelemetryView(telemetry.window(now - this.options.intervalMs, now));
    const backendOf = backendResolver(doc);
    const changes = [];
    for (const backend of this.options.backends) {
      const spec = doc.backends[backend];
      if (!spec) continue;
      const load = view.backendLoad(backend, backendOf);
      if (load.intervals === 0 || load.completedPerSec === 0) continue;
      const replicas = Math.max(1, load.instances ?? spec.instances.length);
      const perInstance = spec.maxConcurrencyPerInstance ?? 1;
      let g = this.limits.get(backend);
      if (!g) {
        g = new Gradient2Limit({
          initialLimit: perInstance * replicas,
          minLimit: replicas,
          maxConcurrency: (this.options.maxPerInstance ?? perInstance * 4) * replicas,
          longWindow: 60,
          warmupWindow: 3,
          ...this.options.limit,
        });
        this.limits.set(backend, g);
      }
      const rtt =
        load.inFlight > 0 ? (load.inFlight / load.completedPerSec) * 1000 : (load.latency.quantile(0.5) ?? 0);
      const limit = g.onSample(rtt, load.inFlight + load.queueDepth);
      const next = Math.max(1, Math.floor(limit / replicas));
      if (next !== perInstance)
        changes.push({ kind: 'concurrency' as const, backend, maxConcurrencyPerInstance: next });
    }
    if (changes.length > 0) actuator.applyPolicy?.(applyChanges(doc, changes));
  }

  /** The current total limit of a backend (for telemetry and tests). */
  limitOf(backend: string): number | null {
    return this.limits.get(backend)?.limit ?? null;
  }
}
