/**
 * Least connections, weighted: the eligible instance with the smallest in-flight count per unit
 * of weight (compared by cross-multiplication, so no division):
 *
 *   load(i) = inFlight[i] / weight[i];   pick argmin load
 *
 * Ties go to the first tied instance at or after a rotating cursor (then cursor = pick + 1), so
 * an idle pool is walked round-robin instead of always loading instance 0.
 */
import type { Rng } from '../rng.js';
import type { InstanceView, LoadBalancer } from './load-balancer.js';

/** True when a carries less load per weight than b. */
export function lighter(a: InstanceView, b: InstanceView): boolean {
  return a.inFlight * b.weight < b.inFlight * a.weight;
}

export class LeastConnections implements LoadBalancer {
  readonly name = 'least-connections';
  private cursor = 0;

  pick(instances: readonly InstanceView[], eligible: (index: number) => boolean, _rng: Rng): number {
    const n = instances.length;
    let best = -1;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      if (!eligible(i)) continue;
      if (best < 0 || lighter(instances[i], instances[best])) best = i;
    }
    if (best >= 0) this.cursor = (best + 1) % n;
    return best;
  }
}
