/**
 * Runs the synchronous policy engine on the wall clock. It owns the engine's listener and the
 * one timer that calls engine.poll() at engine.nextWakeAt(), re-armed after every engine call
 * that can move it (submit, complete, poll, policy changes), and turns the listener's callbacks
 * into promises the request handlers await:
 *
 *   submit -> 'queued' -> waitForSlot(ticket) resolves 'dispatch' (listener.dispatch) or an
 *   error code (listener.expire); complete -> 'queued' (a retry after retry-after, or a slot on
 *   a fallback pool) -> waitForSlot again.
 */
import type { ErrorCode } from '../errors.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Admission, CompletionStep, GatewayRequest, Ticket, UpstreamOutcome } from '../engine/types.js';
import type { PolicyDocument } from '../policy/schema.js';
import { SeededRng } from '../rng.js';
import { WallClock } from './wall-clock.js';

export type SlotResult = { kind: 'dispatch' } | { kind: 'expired'; code: ErrorCode };

export interface EngineDriverOptions {
  policy: PolicyDocument;
  version: number;
  telemetryIntervalMs?: number;
  seed?: number;
}

export class EngineDriver {
  readonly clock = new WallClock();
  readonly engine: PolicyEngine;
  private readonly waiting = new Map<Ticket, (r: SlotResult) => void>();
  /** Results that arrived before anyone waited (dispatch during the same engine call). */
  private readonly early = new Map<Ticket, SlotResult>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(opts: EngineDriverOptions) {
    this.engine = new PolicyEngine({
      policy: opts.policy,
      version: opts.version,
      clock: this.clock,
      rng: new SeededRng(opts.seed ?? 1),
      telemetryIntervalMs: opts.telemetryIntervalMs,
      listener: {
        dispatch: (t) => this.settle(t, { kind: 'dispatch' }),
        expire: (t, code) => this.settle(t, { kind: 'expired', code }),
      },
    });
  }

  private settle(t: Ticket, r: SlotResult): void {
    const resolve = this.waiting.get(t);
    if (resolve !== undefined) {
      this.waiting.delete(t);
      resolve(r);
    } else this.early.set(t, r);
  }

  submit(req: GatewayRequest): Admission {
    const a = this.engine.submit(req);
    this.rearm();
    return a;
  }

  complete(t: Ticket, outcome: UpstreamOutcome): CompletionStep {
    const step = this.engine.complete(t, outcome);
    this.rearm();
    return step;
  }

  /** Resolves when a queued ticket gets a slot, or expires. */
  waitForSlot(t: Ticket): Promise<SlotResult> {
    const r = this.early.get(t);
    if (r !== undefined) {
      this.early.delete(t);
      return Promise.resolve(r);
    }
    return new Promise((resolve) => this.waiting.set(t, resolve));
  }

  /** Tickets waiting for a slot now. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Runs `change` (a policy change, a scale) and re-arms the timer. */
  mutate<T>(change: (engine: PolicyEngine) => T): T {
    const r = change(this.engine);
    this.rearm();
    return r;
  }

  /** Arms the single poll timer at nextWakeAt() when that is earlier than the armed one. */
  rearm(): void {
    const at = this.engine.nextWakeAt();
    if (at >= this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    if (!Number.isFinite(at)) {
      this.timer = null;
      return;
    }
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, Math.ceil(at - this.clock.now())));
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.engine.poll();
    this.rearm();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
