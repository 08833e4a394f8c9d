/**
 * Scale-ahead for a live fleet. A gateway owns no instances (its pools are URLs), so the
 * controller's scaling decisions are exported for whatever does own them:
 *
 *   sluice_desired_replicas{backend}   instances the controller wants (setDesiredInstances)
 *   sluice_scale_down_floor{backend}   while the scale-down override is on, the pool may shrink
 *                                      to this many now, past its scaler's stabilisation window
 *                                      (releaseScaleDown); no series while it is off
 *
 * on the controller's own Prometheus registry (live-setup serves it when given a metrics port),
 * so KEDA or an HPA external metric can act on the first and an operator on the second; and,
 * with a webhook URL, POSTed as JSON on every change of a backend's state:
 *
 *   { controller, time, backend, desiredInstances: n | null, scaleDownFloor: n | null }
 *
 * Level-based, like the admin actuator: `flush()` sends each backend's latest state until the
 * webhook acknowledges it (2xx); a failure keeps it pending for the next flush, never throws.
 */
import { Gauge, Registry } from 'prom-client';
import { fetch } from 'undici';
import type { GatewayProblem } from './gateway-admin-actuator.js';

export interface ScaleExportOptions {
  controllerId: string;
  webhook?: string;
  timeoutMs?: number;
  now: () => number;
}

export interface ScaleState {
  desiredInstances: number | null;
  scaleDownFloor: number | null;
}

export class ScaleExport {
  readonly registry = new Registry();
  private readonly desired = new Gauge({
    name: 'sluice_desired_replicas',
    help: "Instances the controller wants per backend pool (scale-ahead from the demand forecast's p90)",
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  private readonly floor = new Gauge({
    name: 'sluice_scale_down_floor',
    help: "While set: the pool may shrink to this many instances now, past its scaler's stabilisation window",
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  private readonly states = new Map<string, ScaleState>();
  /** Backends whose latest state the webhook has not acknowledged. */
  private readonly unsent = new Set<string>();

  constructor(private readonly o: ScaleExportOptions) {}

  private update(backend: string, change: Partial<ScaleState>): void {
    const prev = this.states.get(backend) ?? { desiredInstances: null, scaleDownFloor: null };
    const next = { ...prev, ...change };
    if (next.desiredInstances === prev.desiredInstances && next.scaleDownFloor === prev.scaleDownFloor)
      return;
    this.states.set(backend, next);
    if (this.o.webhook !== undefined) this.unsent.add(backend);
  }

  setDesiredInstances(backend: string, instances: number): void {
    this.desired.set({ backend }, instances);
    this.update(backend, { desiredInstances: instances });
  }

  releaseScaleDown(backend: string, instances: number | null): void {
    if (instances === null) this.floor.remove({ backend });
    else this.floor.set({ backend }, instances);
    this.update(backend, { scaleDownFloor: instances });
  }

  state(backend: string): ScaleState | undefined {
    return this.states.get(backend);
  }

  /** Backends whose change the webhook has not acknowledged yet. */
  pending(): string[] {
    return [...this.unsent];
  }

  /** Sends every unacknowledged backend state to the webhook; never throws. */
  async flush(): Promise<{ sent: string[]; problems: GatewayProblem[] }> {
    const out = { sent: [] as string[], problems: [] as GatewayProblem[] };
    const url = this.o.webhook;
    if (url === undefined) return out;
    for (const backend of [...this.unsent]) {
      const state = this.states.get(backend) as ScaleState;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ controller: this.o.controllerId, time: this.o.now(), backend, ...state }),
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 2000),
        });
        await res.arrayBuffer();
        if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
        // Acknowledged, unless the state moved on while the call was out.
        if (this.states.get(backend) === state) this.unsent.delete(backend);
        out.sent.push(`${url} POST scale ${backend}`);
      } catch (e) {
        out.problems.push({ url, step: 'scale-webhook', error: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }
}
