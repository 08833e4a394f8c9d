import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Rng } from '../rng.js';
import { SeededRng } from '../rng.js';
import { createLoadBalancer } from './balancer-factory.js';
import { LeastConnections } from './least-connections.js';
import { LeastResponseTime } from './least-response-time.js';
import type { InstanceView, LoadBalancer } from './load-balancer.js';
import { pool, runLoadBalancerConformance } from './load-balancer.conformance.js';
import { PowerOfTwoChoices } from './power-of-two-choices.js';
import { RoundRobin } from './round-robin.js';
import { SmoothWeightedRoundRobin } from './smooth-weighted-round-robin.js';

runLoadBalancerConformance(() => new RoundRobin());
runLoadBalancerConformance(() => new SmoothWeightedRoundRobin());
runLoadBalancerConformance(() => new LeastConnections());
runLoadBalancerConformance(() => new LeastResponseTime());
runLoadBalancerConformance(() => new PowerOfTwoChoices());

/** An Rng that replays a fixed script of uniforms: the draws are part of the known answer. */
class ScriptedRng implements Rng {
  private i = 0;
  constructor(private readonly values: readonly number[]) {}
  next(): number {
    return this.values[this.i++ % this.values.length];
  }
}

const rng = new SeededRng(7);
const all = (): boolean => true;

function sequence(
  lb: LoadBalancer,
  p: InstanceView[],
  picks: number,
  eligible: (i: number) => boolean = all,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < picks; i++) {
    const k = lb.pick(p, eligible, rng);
    out.push(k < 0 ? '-' : p[k].id);
  }
  return out;
}

test('RoundRobin: cycles in order and steps over ineligible instances', () => {
  const p = pool({ id: 'a' }, { id: 'b' }, { id: 'c' });
  const lb = new RoundRobin();
  assert.deepEqual(sequence(lb, p, 4), ['a', 'b', 'c', 'a']);
  assert.deepEqual(
    sequence(lb, p, 4, (i) => i !== 2),
    ['b', 'a', 'b', 'a'],
  );
});

test('SmoothWeightedRoundRobin: weights 5,1,1 give nginx sequence a a b a c a a', () => {
  const p = pool({ id: 'a', weight: 5 }, { id: 'b', weight: 1 }, { id: 'c', weight: 1 });
  const lb = new SmoothWeightedRoundRobin();
  const expected = ['a', 'a', 'b', 'a', 'c', 'a', 'a'];
  assert.deepEqual(sequence(lb, p, 7), expected);
  // The cycle repeats exactly: all current weights are back at 0.
  assert.deepEqual(sequence(lb, p, 7), expected);
});

test('SmoothWeightedRoundRobin: weights 3,2 and an instance going ineligible', () => {
  const p = pool({ id: 'x', weight: 3 }, { id: 'y', weight: 2 });
  const lb = new SmoothWeightedRoundRobin();
  assert.deepEqual(sequence(lb, p, 5), ['x', 'y', 'x', 'y', 'x']);
  // With y out, x is the only choice; y's current weight is kept for its return.
  assert.deepEqual(
    sequence(lb, p, 2, (i) => i === 0),
    ['x', 'x'],
  );
  // A rebuilt pool (new id at position 1) starts that position from zero.
  const q = pool({ id: 'x', weight: 1 }, { id: 'z', weight: 1 });
  assert.deepEqual(sequence(new SmoothWeightedRoundRobin(), q, 4), ['x', 'z', 'x', 'z']);
});

test('LeastConnections: fewest in flight per weight; ties rotate', () => {
  const lb = new LeastConnections();
  const p = pool({ id: 'a', inFlight: 4 }, { id: 'b', inFlight: 1 }, { id: 'c', inFlight: 2 });
  assert.deepEqual(sequence(lb, p, 2), ['b', 'b']);
  // Weighted: 4/4 = 1 per weight beats 2/1.
  const w = pool({ id: 'a', inFlight: 4, weight: 4 }, { id: 'b', inFlight: 2 });
  assert.deepEqual(sequence(new LeastConnections(), w, 1), ['a']);
  // An idle pool is walked round robin rather than always loading the first instance.
  const idle = pool({ id: 'a' }, { id: 'b' }, { id: 'c' });
  assert.deepEqual(sequence(new LeastConnections(), idle, 4), ['a', 'b', 'c', 'a']);
});

test('LeastConnections: tracks in-flight counts as they change', () => {
  const lb = new LeastConnections();
  const p = [
    { id: 'a', weight: 1, inFlight: 0, ewmaLatencyMs: 0 },
    { id: 'b', weight: 2, inFlight: 0, ewmaLatencyMs: 0 },
  ];
  const out: string[] = [];
  for (let i = 0; i < 6; i++) {
    const k = lb.pick(p, all, rng);
    p[k].inFlight++;
    out.push(p[k].id);
  }
  // b (weight 2) ends with twice a's load: a 2, b 4.
  assert.deepEqual(out, ['a', 'b', 'b', 'a', 'b', 'b']);
});

test('LeastResponseTime: lowest EWMA first, then fewest in flight, unsampled instances probed first', () => {
  const lb = new LeastResponseTime();
  const p = pool(
    { id: 'a', ewmaLatencyMs: 50 },
    { id: 'b', ewmaLatencyMs: 20, inFlight: 2 },
    { id: 'c', ewmaLatencyMs: 20, inFlight: 1 },
  );
  assert.deepEqual(sequence(lb, p, 2), ['c', 'c']);
  assert.deepEqual(
    sequence(lb, p, 1, (i) => i !== 2),
    ['b'],
  );
  const fresh = pool({ id: 'a', ewmaLatencyMs: 50 }, { id: 'new', ewmaLatencyMs: 0 });
  assert.deepEqual(sequence(new LeastResponseTime(), fresh, 1), ['new']);
  const tied = pool({ id: 'a', ewmaLatencyMs: 10 }, { id: 'b', ewmaLatencyMs: 10 });
  assert.deepEqual(sequence(new LeastResponseTime(), tied, 3), ['a', 'b', 'a']);
});

test('PowerOfTwoChoices: two distinct draws, the lighter wins, the first on ties', () => {
  const p = pool({ id: 'a', inFlight: 3 }, { id: 'b', inFlight: 1 }, { id: 'c' }, { id: 'd', inFlight: 5 });
  // Draws (0.1, 0.9): r1 = 0 (a), r2 = floor(0.9 * 3) = 2 -> 3 (d): a is lighter.
  // Draws (0.6, 0.2): r1 = 2 (c), r2 = 0 (a): c is lighter.
  // Draws (0.3, 0.5): r1 = 1 (b), r2 = 1 -> 2 (c): c is lighter.
  const script = new ScriptedRng([0.1, 0.9, 0.6, 0.2, 0.3, 0.5]);
  const lb = new PowerOfTwoChoices();
  const out = [0, 1, 2].map(() => p[lb.pick(p, all, script)].id);
  assert.deepEqual(out, ['a', 'c', 'c']);
  // Only eligible instances are drawn: with a and d eligible, (0.9, 0.0) -> d then a: a wins.
  const two = new ScriptedRng([0.9, 0.0]);
  assert.equal(
    lb.pick(p, (i) => i === 0 || i === 3, two),
    0,
  );
  // Equal loads: the first draw wins.
  const even = pool({ id: 'a' }, { id: 'b' }, { id: 'c' });
  assert.equal(lb.pick(even, all, new ScriptedRng([0.99, 0.0])), 2);
});

test('PowerOfTwoChoices: never picks the strictly most loaded of two or more eligible (property)', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat(100), { minLength: 2, maxLength: 12 }), fc.nat(), (loads, seed) => {
      const p = loads.map((inFlight, i) => ({ id: `i${i}`, weight: 1, inFlight, ewmaLatencyMs: 0 }));
      const worst = loads.indexOf(Math.max(...loads));
      const r = new SeededRng(seed);
      const lb = new PowerOfTwoChoices();
      for (let k = 0; k < 20; k++) assert.notEqual(lb.pick(p, all, r), worst);
    }),
    { numRuns: 200 },
  );
});

test('createLoadBalancer: one class per policy name', () => {
  const names = [
    'round-robin',
    'weighted-round-robin',
    'least-connections',
    'least-response-time',
    'power-of-two',
  ] as const;
  assert.deepEqual(
    names.map((n) => createLoadBalancer(n).name),
    names,
  );
  assert.ok(createLoadBalancer('power-of-two') instanceof PowerOfTwoChoices);
  assert.notEqual(createLoadBalancer('round-robin'), createLoadBalancer('round-robin'));
});
