/**
 * Exact-number regression tests for engine bugs that the model-based properties
 * (policy-engine.lifecycle.test.ts, policy-engine.properties.test.ts) found, one per bug.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock.js';
import type { ErrorCode } from '../errors.js';
import type { PolicyDocument } from '../policy/schema.js';
import { SeededRng } from '../rng.js';
import { stableUnit } from '../stable-hash.js';
import { PolicyEngine } from './policy-engine.js';
import type { Admission, GatewayRequest, Ticket } from './types.js';

function policy(): PolicyDocument {
  return {
    apiVersion: 'sluice/v1',
    tiers: {
      free: { sloMs: 2000, weight: 1, priority: 0 },
      premium: { sloMs: 1000, weight: 3, priority: 2 },
    },
    models: {
      big: { inputPricePerMTok: 10, outputPricePerMTok: 30, backends: ['primary'] },
    },
    backends: {
      primary: {
        instances: [{ id: 'p1' }],
        maxConcurrencyPerInstance: 1,
        queue: { discipline: 'wfq', maxDepth: 4 },
      },
    },
    defaults: { deadline: '1s', maxOutputTokens: 100 },
    tenants: {
      acme: { tier: 'premium', keys: { a1: { key: 'key-acme-1' } } },
      beta: { tier: 'free', keys: { b1: { key: 'key-beta-1' } } },
    },
  };
}

class Harness {
  readonly clock = new ManualClock(0);
  readonly dispatched: Ticket[] = [];
  readonly expired: { ticket: Ticket; code: ErrorCode; at: number }[] = [];
  readonly engine: PolicyEngine;
  private seq = 0;
  constructor(doc: PolicyDocument) {
    this.engine = new PolicyEngine({
      policy: doc,
      clock: this.clock,
      rng: new SeededRng(1),
      listener: {
        dispatch: (t) => this.dispatched.push(t),
        expire: (ticket, code) => this.expired.push({ ticket, code, at: this.clock.now() }),
      },
    });
  }
  submit(apiKey: string, extra: Partial<GatewayRequest> = {}): Admission {
    const req: GatewayRequest = {
      id: `r${++this.seq}`,
      apiKey,
      model: 'big',
      inputTokens: 10,
      maxOutputTokens: 10,
      ...extra,
    };
    return this.engine.submit(req);
  }
}

function ticketOf(a: Admission): Ticket {
  assert.ok(a.kind === 'dispatch' || a.kind === 'queued', `expected a ticket, got ${a.kind}`);
  return a.ticket;
}

test('applyPolicy that changes a pool queue discipline (wfq -> priority) retunes it and does not throw', () => {
  const h = new Harness(policy());
  const first = ticketOf(h.submit('key-beta-1'));
  const waitingBeta = ticketOf(h.submit('key-beta-1'));
  const waitingAcme = ticketOf(h.submit('key-acme-1'));
  const next = policy();
  next.backends.primary.queue = { discipline: 'priority', maxDepth: 4 };
  // Before the fix the priorities ({ free: 0, premium: 2 }) went to the WFQ as weights: RangeError.
  assert.deepEqual(h.engine.applyPolicy(next).version, 2);
  assert.equal(h.engine.backendSnapshot('primary')!.queueDepth, 2);
  // The pool keeps its WFQ, now weighted by the new document's tier weights (premium 3, free 1).
  h.clock.set(10);
  h.engine.complete(first, { ok: true, inputTokens: 10, outputTokens: 1 });
  assert.deepEqual(h.dispatched, [waitingAcme]);
  h.engine.complete(waitingAcme, { ok: true, inputTokens: 10, outputTokens: 1 });
  assert.deepEqual(h.dispatched, [waitingAcme, waitingBeta]);
});

test('a queued request expires at the poll at nextWakeAt (its deadline), and that poll makes progress', () => {
  const h = new Harness(policy());
  ticketOf(h.submit('key-acme-1'));
  const waiting = ticketOf(h.submit('key-acme-1'));
  assert.equal(h.engine.nextWakeAt(), 1000);
  h.clock.set(1000);
  // Before the fix poll() compared `deadline < now`: nothing expired and nextWakeAt() stayed 1000.
  h.engine.poll();
  assert.deepEqual(h.expired, [{ ticket: waiting, code: 'SLUICE_DEADLINE_EXCEEDED', at: 1000 }]);
  assert.equal(h.engine.nextWakeAt(), Number.POSITIVE_INFINITY);
  assert.equal(h.engine.counters.expired, 1);
});

test('a request waiting for its rate limit keeps its policy version: a new version without its model does not crash poll()', () => {
  const doc = policy();
  doc.models.small = { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['primary'] };
  doc.backends.primary.maxConcurrencyPerInstance = 10;
  doc.defaults!.limits = [{ id: 'rps', limit: 1, period: '1s', onLimit: 'wait' }];
  const h = new Harness(doc);
  ticketOf(h.submit('key-acme-1', { model: 'small' }));
  h.clock.set(400);
  const waiting = h.submit('key-acme-1', { model: 'small' });
  assert.equal(waiting.kind, 'queued');
  assert.equal(h.engine.nextWakeAt(), 1000);
  const next = policy();
  next.backends.primary.maxConcurrencyPerInstance = 10;
  assert.equal(h.engine.applyPolicy(next).version, 2); // no model `small` any more
  h.clock.set(1000);
  // Before the fix the woken ticket was routed by version 2: TypeError reading models.small.backends.
  h.engine.poll();
  assert.deepEqual(h.dispatched, [ticketOf(waiting)]);
  assert.equal(h.dispatched[0].policyVersion, 1);
  assert.equal(h.dispatched[0].model, 'small');
  assert.equal(h.dispatched[0].instanceId, 'p1');
});

test('after a scale-down, outlier ejection still keeps maxEjectedPercent of the pool in service', () => {
  const doc = policy();
  doc.backends.primary = {
    instances: [{ id: 'p0' }, { id: 'p1' }, { id: 'p2' }, { id: 'p3' }],
    maxConcurrencyPerInstance: 10,
    outlierEjection: { consecutiveErrors: 1, ejection: '10s', maxEjectedPercent: 50 },
  };
  const h = new Harness(doc);
  h.engine.setInstances('primary', [{ id: 'p0' }, { id: 'p1' }]);
  const a = ticketOf(h.submit('key-acme-1'));
  const b = ticketOf(h.submit('key-acme-1'));
  assert.deepEqual([a.instanceId, b.instanceId].sort(), ['p0', 'p1']);
  h.engine.complete(a, { ok: false, kind: '5xx' });
  h.engine.complete(b, { ok: false, kind: '5xx' });
  // 50% of 2 instances: one may be ejected. Before the fix the removed p2, p3 still counted (4 in
  // the pool), so both were ejected and the pool had no healthy instance: 503.
  const ejected = h.engine
    .backendSnapshot('primary')!
    .instances.filter((i) => i.ejected)
    .map((i) => i.id);
  assert.equal(ejected.length, 1);
  const next = h.submit('key-acme-1');
  assert.equal(next.kind, 'dispatch');
});

test('a request that went upstream, then expired waiting for its fallback, keeps its request count (decision 3)', () => {
  const doc = policy();
  doc.models.big.backends = ['primary', 'secondary'];
  doc.models.small = { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['secondary'] };
  doc.backends.secondary = { instances: [{ id: 's1' }], maxConcurrencyPerInstance: 1 };
  doc.routing = { fallbackOn: ['429'], maxAttempts: 2 };
  doc.defaults!.limits = [
    { id: 'rq', algorithm: 'fixed-window', limit: 3, period: '1h', by: ['global'] },
    { id: 'in', algorithm: 'fixed-window', unit: 'input-tokens', limit: 100, period: '1h', by: ['global'] },
  ];
  const h = new Harness(doc);
  ticketOf(h.submit('key-acme-1', { model: 'small' })); // holds s1
  const t = ticketOf(h.submit('key-acme-1', { inputTokens: 40 }));
  assert.equal(t.instanceId, 'p1');
  assert.deepEqual(h.engine.complete(t, { ok: false, kind: '429' }), { kind: 'queued' });
  h.clock.set(1000);
  h.engine.poll();
  assert.deepEqual(h.expired, [{ ticket: t, code: 'SLUICE_DEADLINE_EXCEEDED', at: 1000 }]);
  // 2 of 3 requests and 50 of 100 input tokens are spent: a third request with 50 tokens fits,
  // a fourth does not. Before the fix the expired one got its request and its 40 tokens back.
  assert.equal(h.submit('key-acme-1', { inputTokens: 50 }).kind, 'dispatch');
  const fourth = h.submit('key-acme-1', { inputTokens: 1 });
  assert.equal(fourth.kind === 'rejected' && fourth.code, 'SLUICE_RATE_LIMITED');
  assert.deepEqual(fourth.kind === 'rejected' && fourth.limit, { id: 'rq', capacity: 3, remaining: 0 });
});

test('applyPolicy retunes an existing pool: maxConcurrencyPerInstance (up frees queued work, down holds new work) and queue maxDepth', () => {
  const h = new Harness(policy());
  const first = ticketOf(h.submit('key-acme-1'));
  const second = ticketOf(h.submit('key-acme-1'));
  const third = ticketOf(h.submit('key-acme-1'));
  assert.equal(h.engine.backendSnapshot('primary')!.queueDepth, 2);
  const wider = policy();
  wider.backends.primary.maxConcurrencyPerInstance = 2;
  wider.backends.primary.queue = { discipline: 'wfq', maxDepth: 1 };
  h.engine.applyPolicy(wider);
  // Before the fix the pool kept 1 slot per instance (gradient2's retunes had no effect).
  assert.deepEqual(h.dispatched, [second]);
  assert.equal(h.engine.backendSnapshot('primary')!.inFlight, 2);
  // `third` waits alone in a queue now 1 deep.
  const full = h.submit('key-acme-1');
  assert.equal(full.kind === 'rejected' && full.code, 'SLUICE_QUEUE_FULL');
  const narrower = policy();
  narrower.backends.primary.maxConcurrencyPerInstance = 1;
  h.engine.applyPolicy(narrower);
  h.engine.complete(first, { ok: true, inputTokens: 10, outputTokens: 1 });
  // One still in flight and a limit of 1: the queued one waits.
  assert.deepEqual(h.dispatched, [second]);
  h.engine.complete(second, { ok: true, inputTokens: 10, outputTokens: 1 });
  assert.deepEqual(h.dispatched, [second, third]);
});

test('applyPolicy that edits a backend instance list scales the pool; one that leaves it alone keeps a scale made by setInstances', () => {
  const h = new Harness(policy());
  h.engine.setInstances('primary', [{ id: 'p1' }, { id: 'p2' }]);
  const same = policy();
  same.description = 'same instances';
  h.engine.applyPolicy(same);
  assert.deepEqual(
    h.engine.backendSnapshot('primary')!.instances.map((i) => i.id),
    ['p1', 'p2'],
  );
  const edited = policy();
  edited.backends.primary.instances = [{ id: 'p1' }, { id: 'p3' }, { id: 'p4' }];
  h.engine.applyPolicy(edited);
  assert.deepEqual(
    h.engine.backendSnapshot('primary')!.instances.map((i) => i.id),
    ['p1', 'p3', 'p4'],
  );
});

test('a tenant concurrency limit follows the request version: control and canary count together, each admits by its own limit', () => {
  const control = policy();
  control.backends.primary.maxConcurrencyPerInstance = 10;
  control.tenants.acme.concurrency = 1;
  const canary = structuredClone(control);
  canary.tenants.acme.concurrency = 3;
  const h = new Harness(control);
  h.engine.setCanary(canary, { percent: 50, by: 'requestId' });
  // Request ids on each side of the 50% split.
  const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
  const canaryIds = ids.filter((id) => stableUnit(id) * 100 < 50);
  const controlIds = ids.filter((id) => stableUnit(id) * 100 >= 50);
  const go = (id: string) =>
    h.engine.submit({ id, apiKey: 'key-acme-1', model: 'big', inputTokens: 1, maxOutputTokens: 1 });
  assert.equal(ticketOf(go(controlIds[0])).arm, 'control'); // 1 in flight
  assert.equal(ticketOf(go(canaryIds[0])).arm, 'canary'); // 2 in flight, canary limit 3
  // Before the fix the canary's plan had set the shared counter's limit to 3 for everyone.
  const refused = go(controlIds[1]);
  assert.equal(refused.kind === 'rejected' && refused.code, 'SLUICE_CONCURRENCY_LIMITED');
  assert.equal(ticketOf(go(canaryIds[1])).arm, 'canary'); // 3 in flight
  const full = go(canaryIds[2]);
  assert.equal(full.kind === 'rejected' && full.code, 'SLUICE_CONCURRENCY_LIMITED');
});

test('a budget limit follows the request version: spend is shared, each version judges it by its own usd', () => {
  const control = policy();
  control.backends.primary.maxConcurrencyPerInstance = 10;
  control.tenants.acme.budget = { usd: 0.001, period: 'day', action: 'reject' };
  const canary = structuredClone(control);
  canary.tenants.acme.budget = { usd: 1, period: 'day', action: 'reject' };
  const h = new Harness(control);
  h.engine.setCanary(canary, { percent: 50, by: 'requestId' });
  const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
  const canaryIds = ids.filter((id) => stableUnit(id) * 100 < 50);
  const controlIds = ids.filter((id) => stableUnit(id) * 100 >= 50);
  const go = (id: string) =>
    h.engine.submit({ id, apiKey: 'key-acme-1', model: 'big', inputTokens: 1, maxOutputTokens: 1 });
  // 100 input tokens at $10/M: $0.001, the control's whole budget.
  h.engine.complete(ticketOf(go(controlIds[0])), { ok: true, inputTokens: 100, outputTokens: 0 });
  assert.equal(ticketOf(go(canaryIds[0])).arm, 'canary'); // $0.001 of $1
  // Before the fix the canary's plan had set the shared tracker's limit to $1 for everyone.
  const refused = go(controlIds[1]);
  assert.equal(refused.kind === 'rejected' && refused.code, 'SLUICE_BUDGET_EXHAUSTED');
});

test('applyPolicy retunes every pool before moving queued work: a fallback gets it under its new limit', () => {
  const doc = policy();
  doc.models.big.backends = ['primary', 'secondary'];
  doc.models.small = { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['secondary'] };
  doc.backends.primary = {
    instances: [{ id: 'p1' }, { id: 'p2' }],
    maxConcurrencyPerInstance: 1,
    breaker: { failureRateThreshold: 0.5, minimumCalls: 1, cooldown: '10s' },
  };
  doc.backends.secondary = { instances: [{ id: 's1' }], maxConcurrencyPerInstance: 2 };
  doc.routing = { fallbackOn: ['open-circuit'], maxAttempts: 1 };
  const h = new Harness(doc);
  const a = ticketOf(h.submit('key-acme-1'));
  ticketOf(h.submit('key-acme-1')); // on p2
  const c = h.submit('key-acme-1');
  assert.equal(c.kind, 'queued');
  assert.equal(h.engine.complete(a, { ok: false, kind: '5xx' }).kind, 'failed'); // p1 opens
  ticketOf(h.submit('key-acme-1', { model: 'small' })); // s1: 1 of 2
  const next = structuredClone(doc);
  next.backends.primary.instances = [{ id: 'p1' }]; // p2 drains: primary has no healthy instance
  next.backends.secondary.maxConcurrencyPerInstance = 1;
  h.engine.applyPolicy(next);
  // Before the fix primary's queue moved on before secondary was retuned: s1 got 2 in flight.
  assert.deepEqual(h.dispatched, []);
  const s = h.engine.backendSnapshot('secondary')!;
  assert.deepEqual([s.inFlight, s.queueDepth], [1, 1]);
  assert.equal(h.engine.backendSnapshot('primary')!.queueDepth, 0);
});

test('a refund of last window reservation does not free room in this window (fixed window, output tokens)', () => {
  const doc = policy();
  doc.backends.primary.maxConcurrencyPerInstance = 100;
  doc.defaults = { ...doc.defaults, deadline: '10m', maxOutputTokens: 1000 };
  doc.tenants.acme.limits = [{ id: 'otpm', algorithm: 'fixed-window', unit: 'output-tokens', tpm: 1000 }];
  const h = new Harness(doc);
  h.clock.set(59_000);
  const a = ticketOf(h.submit('key-acme-1', { maxOutputTokens: 1000 }));
  h.clock.set(61_000);
  assert.equal(h.submit('key-acme-1', { maxOutputTokens: 1000 }).kind, 'dispatch');
  h.clock.set(62_000);
  h.engine.complete(a, { ok: true, inputTokens: 10, outputTokens: 0 });
  h.clock.set(63_000);
  const c = h.submit('key-acme-1', { maxOutputTokens: 1000 });
  assert.equal(c.kind, 'rejected');
  assert.equal(c.kind === 'rejected' && c.retryAfterMs, 57_000);
});

test('a canary that adds a backend serves from it (its pool is created with the canary)', () => {
  const doc = policy();
  const h = new Harness(doc);
  const canary = structuredClone(doc);
  canary.backends.extra = { instances: [{ id: 'x1' }], maxConcurrencyPerInstance: 10 };
  canary.models.big.backends = ['extra'];
  h.engine.setCanary(canary, { percent: 100, by: 'apiKey' });
  const t = ticketOf(h.submit('key-acme-1'));
  assert.equal(t.arm, 'canary');
  assert.equal(t.instanceId, 'x1');
});

test('records of a pool without breakers carry its gauges (in flight, queue, instances)', () => {
  const h = new Harness(policy());
  const first = ticketOf(h.submit('key-acme-1'));
  h.submit('key-acme-1');
  h.submit('key-beta-1');
  h.clock.set(500);
  h.engine.complete(first, { ok: true, inputTokens: 10, outputTokens: 5 });
  h.clock.set(10_000);
  const served = h.engine.drainTelemetry().filter((r) => r.instance === 'p1');
  assert.equal(served.length, 1);
  // One completed; the next one dispatched on it (1 in flight), the third still queued.
  assert.deepEqual(
    [served[0].completed, served[0].inFlight, served[0].instances, served[0].queueDepthMax],
    [1, 1, 1, 2],
  );
});

test("the gateway's own pre-warm takes no tenant limit, slot or budget, and is recorded apart", () => {
  const doc = policy();
  doc.backends.primary.maxConcurrencyPerInstance = 10;
  doc.tenants.acme.limits = [{ rpm: 1, by: ['tenant'] }];
  doc.tenants.acme.concurrency = 1;
  doc.tenants.acme.budget = { usd: 1, period: 'hour', action: 'reject' };
  const h = new Harness(doc);
  const client = ticketOf(h.submit('key-acme-1'));
  // The tenant is at its limit (1 rpm) and its one slot is taken; a second client request is refused.
  assert.equal(h.submit('key-acme-1').kind, 'rejected');
  const warm = ticketOf(h.submit('key-acme-1', { origin: 'prewarm' }));
  h.clock.set(100);
  h.engine.complete(warm, { ok: true, inputTokens: 30_000, outputTokens: 30_000 });
  h.engine.complete(client, { ok: true, inputTokens: 10, outputTokens: 5 });
  h.clock.set(10_000);
  const records = h.engine.drainTelemetry();
  const sum = (tenant: string, f: 'arrived' | 'completed' | 'rejected') =>
    records.filter((r) => r.tenant === tenant).reduce((s, r) => s + r[f], 0);
  assert.deepEqual([sum('acme', 'arrived'), sum('acme', 'completed'), sum('acme', 'rejected')], [2, 1, 1]);
  assert.deepEqual([sum('(prewarm)', 'arrived'), sum('(prewarm)', 'completed')], [1, 1]);
  const cost = records.filter((r) => r.tenant === '(prewarm)').reduce((s, r) => s + r.costUsd, 0);
  assert.ok(Math.abs(cost - 1.2) < 1e-9);
  // $1.20 of pre-warm spend is the operator's: a minute on, the $1 budget still admits acme.
  h.clock.set(61_000);
  assert.equal(h.submit('key-acme-1').kind, 'dispatch');
});

test('applyPolicy retunes breakers (state kept) and outlier ejection of an existing pool', () => {
  const doc = policy();
  doc.backends.primary.maxConcurrencyPerInstance = 10;
  doc.backends.primary.breaker = { failureRateThreshold: 0.5, minimumCalls: 20, cooldown: '5s' };
  const h = new Harness(doc);
  const state = () => h.engine.backendSnapshot('primary')!.instances[0];
  const fail = () => h.engine.complete(ticketOf(h.submit('key-acme-1')), { ok: false, kind: '5xx' });
  fail();
  fail();
  assert.equal(state().breaker, 'closed'); // 2 calls, 20 needed
  // Before the fix a reload left the breaker on its first thresholds.
  const eager = structuredClone(doc);
  eager.backends.primary.breaker = { failureRateThreshold: 0.5, minimumCalls: 3, cooldown: '5s' };
  h.engine.applyPolicy(eager);
  fail(); // the window kept its 2 failures: 3 of 3 fail
  assert.equal(state().breaker, 'open');
  const patient = structuredClone(eager);
  patient.backends.primary.breaker = { failureRateThreshold: 0.5, minimumCalls: 3, cooldown: '60s' };
  h.engine.applyPolicy(patient);
  h.clock.advance(10_000);
  assert.equal(state().breaker, 'open', 'still open: the reload kept the state, under the new 60 s cooldown');
  h.clock.advance(50_000);
  assert.equal(state().breaker, 'half-open');
  // Dropping the breaker drops it; adding outlier ejection starts it on the pool's instances.
  const ejecting = structuredClone(doc);
  delete ejecting.backends.primary.breaker;
  ejecting.backends.primary.outlierEjection = { consecutiveErrors: 2, ejection: '30s' };
  h.engine.applyPolicy(ejecting);
  assert.equal(state().breaker, null);
  fail();
  assert.equal(state().ejected, false);
  const stricter = structuredClone(ejecting);
  stricter.backends.primary.outlierEjection = { consecutiveErrors: 1, ejection: '30s' };
  h.engine.applyPolicy(stricter); // the streak of 1 stays; 1 is now enough on the next failure
  fail();
  assert.equal(state().ejected, true);
});

test('applyPolicy switches the balancer of an existing pool', () => {
  const doc = policy();
  doc.backends.primary.instances = [{ id: 'p1' }, { id: 'p2' }];
  doc.backends.primary.maxConcurrencyPerInstance = 10;
  const h = new Harness(doc);
  const tickets = Array.from({ length: 4 }, () => ticketOf(h.submit('key-acme-1')));
  // Round robin alternates.
  assert.deepEqual(
    tickets.map((t) => t.instanceId),
    ['p1', 'p2', 'p1', 'p2'],
  );
  for (const t of [tickets[1], tickets[3]])
    h.engine.complete(t, { ok: true, inputTokens: 10, outputTokens: 1 });
  // p1 has 2 in flight, p2 none: least connections sends the next two to p2, where round robin
  // (what the pool kept before the fix) would go on alternating.
  const leastConn = structuredClone(doc);
  leastConn.backends.primary.balancer = 'least-connections';
  h.engine.applyPolicy(leastConn);
  const next = [ticketOf(h.submit('key-acme-1')), ticketOf(h.submit('key-acme-1'))];
  assert.deepEqual(
    next.map((t) => t.instanceId),
    ['p2', 'p2'],
  );
});
