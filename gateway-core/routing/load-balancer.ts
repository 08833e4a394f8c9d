/**
 * Picks an instance of a backend pool for a request. Implementations: round robin, smooth
 * weighted round robin, least connections, least response time (EWMA), power of two choices.
 */
import type { Rng } from '../rng.js';

/** What a balancer may know of an instance; the routing table keeps it current. */
export interface InstanceView {
  readonly id: string;
  readonly weight: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** EWMA of response latency (ms); 0 before the first sample. */
  readonly ewmaLatencyMs: number;
}

export interface LoadBalancer {
  readonly name: string;
  /**
   * The index of the chosen instance among `instances` for which `eligible(i)` is true (healthy,
   * with room), or -1 when none is.
   */
  pick(instances: readonly InstanceView[], eligible: (index: number) => boolean, rng: Rng): number;
}
