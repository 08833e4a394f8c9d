/**
 * Power of two choices (Mitzenmacher): draw two distinct eligible instances uniformly at random
 * and take the one with fewer requests in flight per unit of weight (the first drawn on ties).
 *
 *   r1 = floor(u1 * m),  r2 = floor(u2 * (m - 1)), r2 += (r2 >= r1)     m = eligible count
 *   pick = lighter of eligible[r1], eligible[r2]
 *
 * Nearly as good as least-connections at balancing, without scanning for the global minimum
 * and without herding when load figures are stale. With one eligible instance no random number
 * is drawn. The eligible indices go into a reused scratch array: no allocation per pick.
 */
import type { Rng } from '../rng.js';
import { lighter } from './least-connections.js';
import type { InstanceView, LoadBalancer } from './load-balancer.js';

export class PowerOfTwoChoices implements LoadBalancer {
  readonly name = 'power-of-two';
  private scratch = new Int32Array(16);

  pick(instances: readonly InstanceView[], eligible: (index: number) => boolean, rng: Rng): number {
    const n = instances.length;
    if (this.scratch.length < n) this.scratch = new Int32Array(Math.max(n, this.scratch.length * 2));
    const idx = this.scratch;
    let m = 0;
    for (let i = 0; i < n; i++) if (eligible(i)) idx[m++] = i;
    if (m === 0) return -1;
    if (m === 1) return idx[0];
    const r1 = Math.floor(rng.next() * m);
    let r2 = Math.floor(rng.next() * (m - 1));
    if (r2 >= r1) r2++;
    const a = idx[r1];
    const b = idx[r2];
    return lighter(instances[b], instances[a]) ? b : a;
  }
}
