/**
 * Round robin: the next eligible instance after the one picked last.
 *
 *   pick = first i in (cursor, cursor + 1, ..., cursor + n - 1) mod n with eligible(i)
 *   cursor = pick + 1
 *
 * Weights are ignored (see SmoothWeightedRoundRobin). If the pool changes size the cursor is
 * simply taken modulo the new size.
 */
import type { Rng } from '../rng.js';
import type { InstanceView, LoadBalancer } from './load-balancer.js';

export class RoundRobin implements LoadBalancer {
  readonly name = 'round-robin';
  private cursor = 0;

  pick(instances: readonly InstanceView[], eligible: (index: number) => boolean, _rng: Rng): number {
    const n = instances.length;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      if (eligible(i)) {
        this.cursor = (i + 1) % n;
        return i;
      }
    }
    return -1;
  }
}
