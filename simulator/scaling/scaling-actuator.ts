/**
 * Turns a desired instance count into provisioning and draining on one self-hosted pool:
 *
 *   clamp(desired, min, max); an action needs `cooldownMs` since the last one;
 *   up:   provision new instances (ready after the pool's cold start, then the engine is told)
 *   down: cancel instances still provisioning first, then drain the newest ready ones (they
 *         finish their in-flight work; the engine stops sending them new requests)
 */
import type { LlmPool } from '../backends/llm-pool.js';
import type { Environment } from '../kernel/environment.js';

export interface ActuatorConfig {
  min: number;
  max: number;
  cooldownMs: number;
}

/** The part of the engine the actuator drives. */
export interface InstanceSink {
  setInstances(backend: string, instances: ReadonlyArray<{ id: string }>): void;
}

export class ScalingActuator {
  private lastActionAt = Number.NEGATIVE_INFINITY;
  private serial = 0;
  /** Scale actions taken: up and down. */
  actions = { up: 0, down: 0 };

  constructor(
    private readonly env: Environment,
    private readonly pool: LlmPool,
    private readonly engine: InstanceSink,
    readonly config: ActuatorConfig,
  ) {
    if (!(config.min >= 0 && config.max >= config.min)) throw new RangeError('scaling: need 0 <= min <= max');
    this.serial = pool.ids('ready').length + pool.ids('provisioning').length;
    pool.onReady = () => this.publish();
  }

  /** Ready plus provisioning instances. */
  get current(): number {
    return this.pool.ids('ready').length + this.pool.ids('provisioning').length;
  }

  get ready(): number {
    return this.pool.ids('ready').length;
  }

  /** Moves toward `desired`; false when nothing changed (already there, or in cooldown). */
  setDesired(desired: number): boolean {
    const target = Math.min(this.config.max, Math.max(this.config.min, Math.round(desired)));
    const current = this.current;
    if (target === current) return false;
    const now = this.env.now();
    if (now - this.lastActionAt < this.config.cooldownMs) return false;
    this.lastActionAt = now;
    if (target > current) {
      for (let i = current; i < target; i++) this.pool.provision(`${this.pool.name}-${++this.serial}`);
      this.actions.up++;
    } else {
      let excess = current - target;
      const provisioning = this.pool.ids('provisioning').reverse();
      const ready = this.pool.ids('ready').reverse();
      for (const id of [...provisioning, ...ready]) {
        if (excess === 0) break;
        this.pool.drain(id);
        excess--;
      }
      this.actions.down++;
      this.publish();
    }
    return true;
  }

  /** Tells the engine which instances take requests (the ready ones). */
  publish(): void {
    this.engine.setInstances(
      this.pool.name,
      this.pool.ids('ready').map((id) => ({ id })),
    );
  }
}
