import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitBreaker, DEFAULT_BREAKER_CONFIG } from './circuit-breaker.js';

const cfg = {
  failureRateThreshold: 0.5,
  slowCallMs: 1000,
  slowCallRateThreshold: 0.75,
  windowMs: 10_000,
  buckets: 10,
  minimumCalls: 4,
  cooldownMs: 5_000,
  halfOpenProbes: 2,
};

test('CircuitBreaker: opens at the call that crosses the failure rate, not before minimumCalls', () => {
  const b = new CircuitBreaker(cfg);
  b.onFailure(0);
  b.onFailure(100);
  b.onFailure(200);
  assert.equal(b.state(200), 'closed'); // 3 calls < minimumCalls, though all failed
  b.onSuccess(10, 300);
  // 4 calls, 3 failures: 75% >= 50%.
  assert.equal(b.state(300), 'open');
  assert.deepEqual(b.transitions, [{ at: 300, from: 'closed', to: 'open', reason: 'failure-rate' }]);
  assert.equal(b.allow(300), false);
  assert.equal(b.refusedCalls, 1);
});

test('CircuitBreaker: stays closed just under the threshold', () => {
  const b = new CircuitBreaker({ ...cfg, failureRateThreshold: 0.5 });
  for (const t of [0, 1, 2]) b.onSuccess(5, t);
  b.onFailure(3); // 1 of 4 = 25%
  b.onSuccess(5, 4);
  b.onFailure(5); // 2 of 6 = 33%
  assert.equal(b.state(5), 'closed');
  b.onFailure(6); // 3 of 7 = 42.9%
  assert.equal(b.state(6), 'closed');
  b.onFailure(7); // 4 of 8 = 50%: opens
  assert.equal(b.state(7), 'open');
});

test('CircuitBreaker: half-opens exactly cooldownMs after opening, whenever it is next asked', () => {
  const b = new CircuitBreaker(cfg);
  for (const t of [0, 10, 20, 30]) b.onFailure(t);
  assert.equal(b.state(30), 'open');
  assert.equal(b.allow(5029.999), false);
  assert.equal(b.state(5029.999), 'open');
  // Looked at late (t = 7000), the transition is still logged at 30 + 5000.
  assert.equal(b.state(7000), 'half-open');
  assert.deepEqual(b.transitions[1], { at: 5030, from: 'open', to: 'half-open', reason: 'cooldown-elapsed' });
});

test('CircuitBreaker: half-open grants exactly halfOpenProbes calls and closes when all succeed', () => {
  const b = new CircuitBreaker(cfg);
  for (const t of [0, 10, 20, 30]) b.onFailure(t);
  assert.equal(b.wouldAllow(5029), false);
  assert.equal(b.wouldAllow(5030), true);
  assert.equal(b.allow(5030), true);
  assert.equal(b.allow(5030), true);
  assert.equal(b.wouldAllow(5031), false);
  assert.equal(b.allow(5031), false); // both probe slots taken
  b.onSuccess(50, 5080);
  assert.equal(b.state(5080), 'half-open');
  b.onSuccess(50, 5090);
  assert.equal(b.state(5090), 'closed');
  assert.deepEqual(
    b.transitions.map((t) => [t.at, t.to, t.reason]),
    [
      [30, 'open', 'failure-rate'],
      [5030, 'half-open', 'cooldown-elapsed'],
      [5090, 'closed', 'probes-succeeded'],
    ],
  );
  // Closing starts a fresh window: the old failures are forgotten.
  assert.deepEqual(b.windowCounts(5090), { calls: 0, failures: 0, slow: 0 });
  assert.equal(b.allow(5091), true);
});

test('CircuitBreaker: a failed probe reopens at once and restarts the cooldown', () => {
  const b = new CircuitBreaker(cfg);
  for (const t of [0, 10, 20, 30]) b.onFailure(t);
  assert.equal(b.allow(6000), true);
  b.onFailure(6100);
  assert.equal(b.state(6100), 'open');
  assert.equal(b.state(11_099), 'open');
  assert.equal(b.state(11_100), 'half-open');
  assert.equal(b.openCount, 2);
  assert.deepEqual(b.transitions[2], { at: 6100, from: 'half-open', to: 'open', reason: 'probe-failed' });
});

test('CircuitBreaker: a slow probe counts as failed', () => {
  const b = new CircuitBreaker(cfg);
  for (const t of [0, 10, 20, 30]) b.onFailure(t);
  b.allow(5030);
  b.onSuccess(1000.5, 5100);
  assert.equal(b.state(5100), 'open');
});

test('CircuitBreaker: slow calls (strictly slower than slowCallMs) open it by their own rate', () => {
  const b = new CircuitBreaker(cfg);
  // Latencies; slow rate after each call: -, -, -, 2/4, 3/5, 4/6, 5/7, 6/8 = 75% -> opens.
  const latencies = [1000, 1001, 1001, 1000, 1001, 1001, 1001, 1001];
  latencies.forEach((ms, t) => {
    b.onSuccess(ms, t);
    assert.equal(b.state(t), t < 7 ? 'closed' : 'open', `after call ${t}`);
  });
  assert.deepEqual(b.transitions, [{ at: 7, from: 'closed', to: 'open', reason: 'slow-call-rate' }]);
});

test('CircuitBreaker: failures leave the window when their bucket does', () => {
  // Buckets of 1000 ms: failures at t < 1000 leave the window at exactly t = 10000.
  const late = new CircuitBreaker(cfg);
  late.onFailure(0);
  late.onFailure(999);
  late.onSuccess(1, 9_999);
  late.onSuccess(1, 9_999);
  assert.equal(late.state(9_999), 'open'); // 4 calls, 2 failures

  const later = new CircuitBreaker(cfg);
  later.onFailure(0);
  later.onFailure(999);
  later.onSuccess(1, 10_000);
  later.onSuccess(1, 10_000);
  assert.equal(later.state(10_000), 'closed');
  assert.deepEqual(later.windowCounts(10_000), { calls: 2, failures: 0, slow: 0 });
});

test('CircuitBreaker: outcomes arriving while open are ignored; onIgnore returns a probe slot', () => {
  const b = new CircuitBreaker(cfg);
  for (const t of [0, 10, 20, 30]) b.onFailure(t);
  b.onSuccess(1, 40);
  b.onFailure(50);
  assert.equal(b.transitions.length, 1);
  assert.equal(b.allow(5030), true);
  assert.equal(b.allow(5030), true);
  b.onIgnore(5040); // one probe never went out
  assert.equal(b.allow(5050), true);
  assert.equal(b.allow(5050), false);
});

test('CircuitBreaker: defaults and config validation', () => {
  const b = new CircuitBreaker();
  assert.deepEqual({ ...b.config }, { ...DEFAULT_BREAKER_CONFIG });
  for (let i = 0; i < 19; i++) b.onFailure(i);
  assert.equal(b.state(19), 'closed'); // default minimumCalls is 20
  b.onFailure(19);
  assert.equal(b.state(19), 'open');
  assert.equal(b.state(30_018), 'open');
  assert.equal(b.state(30_019), 'half-open');
  assert.throws(() => new CircuitBreaker({ failureRateThreshold: 0 }), /failureRateThreshold/);
  assert.throws(
    () => new CircuitBreaker({ halfOpenProbes: 0, minimumCalls: 1.5 }),
    /minimumCalls.*halfOpenProbes/,
  );
  assert.throws(() => new CircuitBreaker({ buckets: 0 }), RangeError);
});
