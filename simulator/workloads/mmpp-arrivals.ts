/**
 * Bursty arrivals: a Markov-modulated Poisson process. The process sits in state i for an
 * exponential time with mean `meanDwell_i`, emitting Poisson arrivals at `rate_i`, then jumps
 * to another state chosen uniformly (two states: it alternates). Memorylessness lets us
 * propose the next arrival in the current state and, if the state ends first, restart from
 * the switching time in the new state.
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import type { ArrivalProcess } from './arrival-process.js';

export interface MmppState {
  /** req/s while in this state (0 allowed: silence). */
  rate: number;
  /** Mean time in this state, ms. */
  meanDwellMs: number;
}

export class MmppArrivals implements ArrivalProcess {
  private state = 0;
  private switchAt: number;

  constructor(
    private readonly states: readonly MmppState[],
    private readonly rng: SeededRng,
    private readonly endMs = Number.POSITIVE_INFINITY,
  ) {
    if (states.length < 2) throw new RangeError('MmppArrivals: needs at least two states');
    for (const s of states)
      if (!(s.rate >= 0 && s.meanDwellMs > 0)) throw new RangeError('MmppArrivals: bad state');
    this.switchAt = rng.exponential(1 / states[0].meanDwellMs);
  }

  /** The state the process is in (for tests and telemetry). */
  get current(): number {
    return this.state;
  }

  next(t: number): number {
    let s = t;
    for (;;) {
      while (s >= this.switchAt) this.jump();
      const rate = this.states[this.state].rate;
      const at = rate > 0 ? s + this.rng.exponential(rate / 1000) : Number.POSITIVE_INFINITY;
      if (at < this.switchAt) return at < this.endMs ? at : Number.POSITIVE_INFINITY;
      s = this.switchAt;
      if (s >= this.endMs) return Number.POSITIVE_INFINITY;
    }
  }

  private jump(): void {
    const n = this.states.length;
    const step = n === 2 ? 1 : 1 + Math.floor(this.rng.next() * (n - 1));
    this.state = (this.state + step) % n;
    this.switchAt += this.rng.exponential(1 / this.states[this.state].meanDwellMs);
  }
}
