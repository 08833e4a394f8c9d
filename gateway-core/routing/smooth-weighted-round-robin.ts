/**
 * Smooth weighted round robin, nginx's algorithm (ngx_http_upstream_get_peer). Each instance
 * carries a current weight cw; on every pick, over the eligible instances:
 *
 *   cw[i] += weight[i]            for each eligible i
 *   best   = argmax cw[i]         (the first one on ties)
 *   cw[best] -= sum of weight[i]  over the eligible
 *
 * Over any sum(weights) consecutive picks each instance is chosen weight[i] times, spread out
 * rather than in runs: weights 5, 1, 1 give a a b a c a a.
 * Ineligible instances keep their cw unchanged. State is per position and resets for a position
 * whose instance id changed, so the pool may be rebuilt at run time.
 */
import type { Rng } from '../rng.js';
import type { InstanceView, LoadBalancer } from './load-balancer.js';

export class SmoothWeightedRoundRobin implements LoadBalancer {
  readonly name = 'weighted-round-robin';
  private ids: string[] = [];
  private current: number[] = [];

  pick(instances: readonly InstanceView[], eligible: (index: number) => boolean, _rng: Rng): number {
    const n = instances.length;
    if (this.ids.length > n) {
      this.ids.length = n;
      this.current.length = n;
    }
    let total = 0;
    let best = -1;
    let bestWeight = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const inst = instances[i];
      if (this.ids[i] !== inst.id) {
        this.ids[i] = inst.id;
        this.current[i] = 0;
      }
      const w = inst.weight;
      if (!(w > 0) || !eligible(i)) continue;
      total += w;
      const cw = this.current[i] + w;
      this.current[i] = cw;
      if (cw > bestWeight) {
        bestWeight = cw;
        best = i;
      }
    }
    if (best >= 0) this.current[best] -= total;
    return best;
  }
}
