/**
 * Least response time: the eligible instance with the lowest EWMA latency (InstanceStats
 * documents the average); ties, including the 0 of instances without samples yet (so new
 * instances get probed first), go to fewer requests in flight, then to the first at or after a
 * rotating cursor.
 *
 *   pick = argmin (ewmaLatencyMs, inFlight)   lexicographically
 *
 * The EWMA moves only when responses come back, so under a burst this piles requests on the
 * currently fastest instance; least-connections or power-of-two react to in-flight load sooner.
 */
import type { Rng } from '../rng.js';
import type { InstanceView, LoadBalancer } from './load-balancer.js';

function faster(a: InstanceView, b: InstanceView): boolean {
  if (a.ewmaLatencyMs !== b.ewmaLatencyMs) return a.ewmaLatencyMs < b.ewmaLatencyMs;
  return a.inFlight < b.inFlight;
}

export class LeastResponseTime implements LoadBalancer {
  readonly name = 'least-response-time';
  private cursor = 0;

  pick(instances: readonly InstanceView[], eligible: (index: number) => boolean, _rng: Rng): number {
    const n = instances.length;
    let best = -1;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      if (!eligible(i)) continue;
      if (best < 0 || faster(instances[i], instances[best])) best = i;
    }
    if (best >= 0) this.cursor = (best + 1) % n;
    return best;
  }
}
