/**
 * EngineBridge: the controller's PolicyActuator and FleetActuator over an in-process policy
 * engine (the simulator's, or one gateway's). It asks the engine for the rollout state every
 * time, and keeps only what the engine does not: when the running canary started.
 *
 *   applyCanary(doc, p) -> engine.setCanary(doc, { percent: p, by: splitBy })
 *   promote()           -> engine.promoteCanary() (then `onPromote`, e.g. to reprice the simulator)
 *   rollback()          -> engine.clearCanary()
 *   applyPolicy(doc)    -> `applyPolicy` callback, else engine.applyPolicy(doc)
 *   setDesiredInstances -> `setDesiredInstances` callback (the simulator's scale-ahead floor)
 *
 * Split by request id by default: a split by API key with a handful of keys gives arms of
 * very unequal size (a whole tenant or none), which starves the judge.
 */
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { CanaryState, FleetActuator, PolicyActuator, RolloutState } from './interfaces.js';

export type SplitBy = 'apiKey' | 'requestId' | 'tenant';

/** The part of PolicyEngine the bridge uses (structural, so tests and other engines fit). */
export interface CanaryEngine {
  readonly version: number;
  readonly policy: PolicyDocument;
  readonly canaryState: { version: number; percent: number } | null;
  setCanary(doc: PolicyDocument, split: { percent: number; by?: SplitBy }): { version: number; hash: string };
  promoteCanary(): { version: number; hash: string } | null;
  clearCanary(): void;
  applyPolicy(doc: PolicyDocument): { version: number; hash: string };
}

export interface EngineBridgeOptions {
  engine: CanaryEngine;
  now: () => number;
  splitBy?: SplitBy;
  applyPolicy?: (doc: PolicyDocument) => void;
  onPromote?: (doc: PolicyDocument) => void;
  setDesiredInstances?: (backend: string, instances: number) => void;
  prewarm?: (keys: readonly string[]) => void;
}

export class EngineBridge implements PolicyActuator, FleetActuator {
  private started: { version: number; at: number } | null = null;
  readonly setDesiredInstances?: (backend: string, instances: number) => void;
  readonly prewarm?: (keys: readonly string[]) => void;

  constructor(private readonly o: EngineBridgeOptions) {
    if (o.setDesiredInstances) this.setDesiredInstances = o.setDesiredInstances;
    if (o.prewarm) this.prewarm = o.prewarm;
  }

  applyCanary(doc: PolicyDocument, percent: number): number {
    const { version } = this.o.engine.setCanary(doc, { percent, by: this.o.splitBy ?? 'requestId' });
    this.started = { version, at: this.o.now() };
    return version;
  }

  promote(): void {
    if (this.o.engine.promoteCanary() !== null) this.o.onPromote?.(this.o.engine.policy);
    this.started = null;
  }

  rollback(): void {
    this.o.engine.clearCanary();
    this.started = null;
  }

  currentVersion(): RolloutState {
    const e = this.o.engine;
    const c = e.canaryState;
    let canary: CanaryState | null = null;
    if (c !== null) {
      // A canary this bridge did not start (another controller's) is judged from now on.
      if (this.started === null || this.started.version !== c.version)
        this.started = { version: c.version, at: this.o.now() };
      canary = { version: c.version, percent: c.percent, startedAt: this.started.at };
    }
    return { control: { version: e.version, doc: e.policy }, canary };
  }

  applyPolicy(doc: PolicyDocument): void {
    if (this.o.applyPolicy) this.o.applyPolicy(doc);
    else this.o.engine.applyPolicy(doc);
  }
}
