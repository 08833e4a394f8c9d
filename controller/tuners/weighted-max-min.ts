/**
 * Weighted max-min fair allocation by water-filling. Capacity C is shared among claimants with
 * demands d_i and weights w_i: raise a common level L (capacity per unit of weight) until
 *
 *   sum_i min(d_i, w_i * L) = C
 *
 * Claimants whose demand is below their weighted share get all of it; the rest split what is
 * left in proportion to their weights. Computed in rounds: each round offers every unsatisfied
 * claimant w_i * remaining / sum(unsatisfied w); those asking less are satisfied and leave.
 * At most n rounds. When total demand is below C, `spare` reports what is left.
 */
export interface Claim {
  id: string;
  demand: number;
  /** Entitlement weight (> 0). */
  weight: number;
}

export interface Allocation {
  allocations: Map<string, number>;
  /** Capacity nobody asked for. */
  spare: number;
  /** Final level per unit weight (Infinity when every demand was met). */
  level: number;
}

export function weightedMaxMin(capacity: number, claims: readonly Claim[]): Allocation {
  if (!(capacity >= 0)) throw new RangeError(`weightedMaxMin: capacity must be >= 0, got ${capacity}`);
  const allocations = new Map<string, number>();
  for (const c of claims) {
    if (!(c.weight > 0)) throw new RangeError(`weightedMaxMin: weight of ${c.id} must be > 0`);
    if (!(c.demand >= 0)) throw new RangeError(`weightedMaxMin: demand of ${c.id} must be >= 0`);
    allocations.set(c.id, 0);
  }
  let remaining = capacity;
  let open = claims.filter((c) => c.demand > 0);
  while (open.length > 0) {
    const weights = open.reduce((s, c) => s + c.weight, 0);
    const level = remaining / weights;
    const satisfied = open.filter((c) => c.demand <= c.weight * level);
    if (satisfied.length === 0) {
      for (const c of open) allocations.set(c.id, c.weight * level);
      return { allocations, spare: 0, level };
    }
    for (const c of satisfied) {
      allocations.set(c.id, c.demand);
      remaining -= c.demand;
    }
    open = open.filter((c) => c.demand > c.weight * level);
  }
  return { allocations, spare: Math.max(0, remaining), level: Number.POSITIVE_INFINITY };
}
