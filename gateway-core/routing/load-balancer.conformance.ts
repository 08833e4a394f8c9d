/**
 * What every LoadBalancer must do, whatever its algorithm: pick only eligible instances, answer
 * -1 when there are none (or no instances at all), stay in range when the pool changes size.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SeededRng } from '../rng.js';
import type { InstanceView, LoadBalancer } from './load-balancer.js';

export function pool(...specs: Array<Partial<InstanceView> & { id: string }>): InstanceView[] {
  return specs.map((s) => ({ weight: 1, inFlight: 0, ewmaLatencyMs: 0, ...s }));
}

export function runLoadBalancerConformance(make: () => LoadBalancer): void {
  const name = make().name;

  test(`${name}: no instances, or none eligible, gives -1`, () => {
    const lb = make();
    const rng = new SeededRng(1);
    assert.equal(
      lb.pick([], () => true, rng),
      -1,
    );
    const p = pool({ id: 'a' }, { id: 'b' });
    for (let i = 0; i < 5; i++)
      assert.equal(
        lb.pick(p, () => false, rng),
        -1,
      );
  });

  test(`${name}: skips ineligible instances`, () => {
    const lb = make();
    const rng = new SeededRng(2);
    const p = pool({ id: 'a' }, { id: 'b', weight: 3 }, { id: 'c' }, { id: 'd', inFlight: 4 });
    for (let i = 0; i < 20; i++)
      assert.equal(
        lb.pick(p, (j) => j === 3, rng),
        3,
      );
  });

  test(`${name}: always picks an eligible index, -1 only when none is (property)`, () => {
    const inst = fc.record({
      weight: fc.integer({ min: 1, max: 5 }),
      inFlight: fc.nat(10),
      ewmaLatencyMs: fc.nat(500),
      eligible: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.array(inst, { maxLength: 8 }), { maxLength: 20 }), fc.nat(), (rounds, seed) => {
        const lb = make();
        const rng = new SeededRng(seed);
        for (const round of rounds) {
          // Ids repeat across rounds, so stateful balancers see a pool that grows and shrinks.
          const p = round.map((r, i) => ({ id: `i${i}`, ...r }));
          const got = lb.pick(p, (i) => p[i].eligible, rng);
          if (p.some((x) => x.eligible)) assert.ok(got >= 0 && got < p.length && p[got].eligible);
          else assert.equal(got, -1);
        }
      }),
      { numRuns: 200 },
    );
  });
}
