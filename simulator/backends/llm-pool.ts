/**
 * A pool of self-hosted LLM instances (see llm-instance.ts for one instance's timing) with a
 * lifecycle the autoscaler drives:
 *
 *   provision(id) --coldStartMs--> ready --drain(id)--> draining --idle--> gone
 *
 * Billing: an instance costs `pricePerHour` from the moment it is asked for (cold start
 * included, as clouds bill) until it has drained and left. instanceHours = sum of those spans.
 * Faults: `crash` loses every attempt on the instance (each answered 5xx) and refuses new ones
 * until the fault ends; `outage` does that to the whole pool; `slowdown` stretches prefill and
 * decode; `errors` answers a share of attempts with a fast 5xx.
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import type { Environment } from '../kernel/environment.js';
import { LlmInstance, type LlmInstanceSpec } from './llm-instance.js';
import {
  FAILED_5XX,
  FAST_FAILURE_MS,
  type FaultEffect,
  type FinishFn,
  SuccessOutcome,
  type Flight,
  type UpstreamPool,
} from './upstream.js';

export interface LlmPoolSpec extends LlmInstanceSpec {
  pricePerHour: number;
  coldStartMs: number;
}

type MemberState = 'provisioning' | 'ready' | 'draining';

interface Member {
  inst: LlmInstance;
  state: MemberState;
  since: number;
  crashed: boolean;
  slowdown: number;
  errorRate: number;
}

const HOUR_MS = 3_600_000;

export class LlmPool implements UpstreamPool {
  readonly kind = 'llm' as const;
  private readonly members = new Map<string, Member>();
  private retiredMs = 0;
  private outage = false;
  private poolSlowdown = 1;
  private poolErrorRate = 0;
  private readonly onDone: (f: Flight) => void;
  private readonly success = new SuccessOutcome();
  private readonly fail5xx: (f: Flight) => void;
  /** Called when a provisioned instance becomes ready (the actuator tells the engine). */
  onReady: (id: string) => void = () => {};

  constructor(
    readonly name: string,
    readonly spec: LlmPoolSpec,
    private readonly env: Environment,
    private readonly rng: SeededRng,
    private readonly finish: FinishFn,
  ) {
    this.onDone = (f) => {
      const r = f.request;
      this.finish(f, this.success.of(r));
      const m = this.members.get(f.instanceId);
      if (m !== undefined && m.state === 'draining' && m.inst.inFlight === 0) this.retire(f.instanceId, m);
    };
    this.fail5xx = (f) => this.finish(f, FAILED_5XX);
  }

  /** An instance that is serving from the start (the policy's initial instances). */
  addReady(id: string): void {
    this.members.set(id, this.member(id, 'ready'));
  }

  /** Asks for a new instance; it becomes ready after the cold start. */
  provision(id: string): void {
    if (this.members.has(id)) throw new RangeError(`LlmPool ${this.name}: instance ${id} exists`);
    this.members.set(id, this.member(id, 'provisioning'));
    this.env.timeout(
      this.spec.coldStartMs,
      (iid: string) => {
        const m = this.members.get(iid);
        if (m === undefined || m.state !== 'provisioning') return;
        m.state = 'ready';
        this.onReady(iid);
      },
      id,
    );
  }

  /** Takes an instance out of service: it finishes what it has, then leaves (and stops billing). */
  drain(id: string): void {
    const m = this.members.get(id);
    if (m === undefined || m.state === 'draining') return;
    if (m.state === 'provisioning' || m.inst.inFlight === 0) this.retire(id, m);
    else m.state = 'draining';
  }

  private member(id: string, state: MemberState): Member {
    const inst = new LlmInstance(id, this.spec, this.env, this.onDone);
    inst.slowdown = this.poolSlowdown;
    return { inst, state, since: this.env.now(), crashed: false, slowdown: 1, errorRate: 0 };
  }

  private retire(id: string, m: Member): void {
    this.retiredMs += this.env.now() - m.since;
    this.members.delete(id);
  }

  /** Ids by state. */
  ids(state: MemberState): string[] {
    const out: string[] = [];
    for (const [id, m] of this.members) if (m.state === state) out.push(id);
    return out;
  }

  /** Attempts in flight on instances that are ready (for utilisation metrics). */
  busySequences(): { running: number; capacity: number } {
    let running = 0;
    let capacity = 0;
    for (const m of this.members.values()) {
      if (m.state !== 'ready') continue;
      running += m.inst.inFlight;
      capacity += this.spec.maxSequences;
    }
    return { running, capacity };
  }

  send(flight: Flight): void {
    const m = this.members.get(flight.instanceId);
    const errorRate = Math.max(this.poolErrorRate, m?.errorRate ?? 0);
    if (m === undefined || m.crashed || this.outage || (errorRate > 0 && this.rng.next() < errorRate)) {
      this.env.timeout(FAST_FAILURE_MS, this.fail5xx, flight);
      return;
    }
    m.inst.accept(flight);
  }

  fault(effect: FaultEffect, instance: string | null, on: boolean): void {
    const targets =
      instance === null
        ? [...this.members.values()]
        : [this.members.get(instance)].filter((m) => m !== undefined);
    if (effect.kind === 'slowdown') {
      if (instance === null) this.poolSlowdown = on ? effect.factor : 1;
      for (const m of targets) {
        m.slowdown = instance === null ? 1 : on ? effect.factor : 1;
        m.inst.setSlowdown(Math.max(this.poolSlowdown, m.slowdown));
      }
    } else if (effect.kind === 'errors') {
      if (instance === null) this.poolErrorRate = on ? effect.rate : 0;
      else for (const m of targets) m.errorRate = on ? effect.rate : 0;
    } else {
      if (effect.kind === 'outage' && instance === null) this.outage = on;
      for (const m of targets) {
        if (effect.kind === 'crash') m.crashed = on;
        if (on) for (const f of m.inst.crash()) this.fail5xx(f);
      }
    }
  }

  instanceHours(now: number): number {
    let ms = this.retiredMs;
    for (const m of this.members.values()) ms += now - m.since;
    return ms / HOUR_MS;
  }

  hardwareCostUsd(now: number): number {
    return this.instanceHours(now) * this.spec.pricePerHour;
  }

  provisioned(): number {
    return this.members.size;
  }
}
