/**
 * A commercial LLM API (per-token prices come from the policy's models, charged by the engine
 * and the summary). Latency of a successful call:
 *
 *   latency = lognormal(median = baseMs + perOutputTokenMs * outputTokens, sigma)
 *   ttft    = latency * baseMs / (baseMs + perOutputTokenMs * outputTokens)
 *
 * The provider's own rate limit is a token bucket of `rpm` requests per minute (burst = rpm/6,
 * ten seconds' worth); a call over it gets a 429 with retry-after = time until a token refills.
 *
 * The lognormal's normal deviate is a function of (pool, request id) (two hashed uniforms,
 * Box-Muller), not the next draw of a stream: common random numbers. Two runs of one seed
 * under different policies then give a request the same answer time wherever it lands on the
 * same pool, so a comparison of policies measures the policies, not which request happened to
 * take which draw after traffic moved between pools.
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import { fnv1a32 } from '../../gateway-core/stable-hash.js';
import type { SimRequest } from '../workloads/request-mix.js';

/** Murmur3-style finaliser of a 32-bit hash to [0, 1). */
function mixToUnit(x: number, m1: number, m2: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, m1);
  h ^= h >>> 13;
  h = Math.imul(h, m2);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
import type { Environment } from '../kernel/environment.js';
import {
  FAILED_5XX,
  FAST_FAILURE_MS,
  type FaultEffect,
  type FinishFn,
  SuccessOutcome,
  type Flight,
  type UpstreamPool,
} from './upstream.js';

export interface ApiBackendSpec {
  baseMs: number;
  perOutputTokenMs: number;
  sigma: number;
  /** Provider rate limit, requests per minute (none when absent). */
  rpm?: number;
  /** Bucket capacity (default rpm / 6). */
  burst?: number;
}

export class ApiBackend implements UpstreamPool {
  readonly kind = 'api' as const;
  private slowdown = 1;
  private errorRate = 0;
  private down = false;
  private tokens: number;
  private lastRefill = 0;
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly onDone: (f: Flight) => void;
  private readonly success = new SuccessOutcome();
  private readonly onFail: (f: Flight) => void;
  /** Calls refused with a 429 by the provider. */
  throttled = 0;
  /** The pool's name hashed: salts the request's number so pools draw independently. */
  private readonly poolSalt: number;

  constructor(
    readonly name: string,
    private readonly spec: ApiBackendSpec,
    private readonly env: Environment,
    private readonly rng: SeededRng,
    private readonly finish: FinishFn,
  ) {
    this.capacity = spec.rpm ? (spec.burst ?? Math.max(1, spec.rpm / 6)) : 0;
    this.perMs = spec.rpm ? spec.rpm / 60_000 : 0;
    this.tokens = this.capacity;
    this.poolSalt = fnv1a32(name);
    this.onDone = (f) => {
      const r = f.request;
      this.finish(f, this.success.of(r));
    };
    this.onFail = (f) => this.finish(f, FAILED_5XX);
  }

  send(flight: Flight): void {
    const now = this.env.now();
    if (this.spec.rpm) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.lastRefill) * this.perMs);
      this.lastRefill = now;
      if (this.tokens < 1) {
        this.throttled++;
        const retryAfterMs = Math.ceil((1 - this.tokens) / this.perMs);
        this.env.timeout(
          FAST_FAILURE_MS,
          (f: Flight) => this.finish(f, { ok: false, kind: '429', retryAfterMs }),
          flight,
        );
        return;
      }
      this.tokens -= 1;
    }
    if (this.down || (this.errorRate > 0 && this.rng.next() < this.errorRate)) {
      this.env.timeout(FAST_FAILURE_MS, this.onFail, flight);
      return;
    }
    const s = this.spec;
    const median = s.baseMs + s.perOutputTokenMs * flight.request.outputTokens;
    const latency =
      (s.sigma > 0 ? median * Math.exp(s.sigma * this.deviate(flight.request)) : median) * this.slowdown;
    flight.ttftMs = (latency * s.baseMs) / median;
    this.env.timeout(latency, this.onDone, flight);
  }

  /**
   * A standard normal deviate fixed by this pool's name and the request (its `draw` number, or
   * its id's hash): two murmur finalisers of (draw, pool) for two uniforms, Box-Muller.
   */
  private deviate(r: SimRequest): number {
    const key = (r.draw ?? fnv1a32(r.id)) ^ this.poolSalt;
    const u1 = 1 - mixToUnit(key, 0x85ebca6b, 0xc2b2ae35);
    const u2 = mixToUnit(Math.imul(key ^ 0x9e3779b9, 0x01000193), 0x7feb352d, 0x846ca68b);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  fault(effect: FaultEffect, _instance: string | null, on: boolean): void {
    if (effect.kind === 'slowdown') this.slowdown = on ? effect.factor : 1;
    else if (effect.kind === 'errors') this.errorRate = on ? effect.rate : 0;
    else this.down = on;
  }

  instanceHours(): number {
    return 0;
  }
  hardwareCostUsd(): number {
    return 0;
  }
  provisioned(): null {
    return null;
  }
}
