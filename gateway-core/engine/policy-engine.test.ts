import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock.js';
import type { ErrorCode } from '../errors.js';
import type { PolicyDocument } from '../policy/schema.js';
import { SeededRng } from '../rng.js';
import { PolicyEngine } from './policy-engine.js';
import type { Admission, GatewayRequest, Ticket } from './types.js';

/** A small two-tenant policy; tests change what they need. */
function basePolicy(): PolicyDocument {
  return {
    apiVersion: 'sluice/v1',
    tiers: {
      free: { sloMs: 2000, weight: 1, priority: 0 },
      premium: { sloMs: 1000, weight: 3, priority: 1 },
    },
    models: {
      big: {
        inputPricePerMTok: 10,
        outputPricePerMTok: 30,
        backends: ['primary', 'secondary'],
        cheaper: 'small',
      },
      small: { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['secondary'] },
    },
    backends: {
      primary: {
        instances: [{ id: 'p1' }],
        maxConcurrencyPerInstance: 1,
        queue: { discipline: 'fifo', maxDepth: 2 },
      },
      secondary: { instances: [{ id: 's1' }, { id: 's2' }], maxConcurrencyPerInstance: 4 },
    },
    defaults: { deadline: '5s', maxOutputTokens: 1000 },
    tenants: {
      acme: { tier: 'premium', keys: { a1: { key: 'key-acme-1' } } },
      beta: { tier: 'free', keys: { b1: { key: 'key-beta-1' } } },
    },
    routing: { fallbackOn: ['5xx', 'timeout', 'open-circuit'], maxAttempts: 2 },
  };
}

class Harness {
  readonly clock = new ManualClock(0);
  readonly dispatched: Ticket[] = [];
  readonly expired: { ticket: Ticket; code: ErrorCode }[] = [];
  readonly engine: PolicyEngine;
  private seq = 0;
  constructor(policy: PolicyDocument) {
    this.engine = new PolicyEngine({
      policy,
      clock: this.clock,
      rng: new SeededRng(1),
      listener: {
        dispatch: (t) => this.dispatched.push(t),
        expire: (ticket, code) => this.expired.push({ ticket, code }),
      },
    });
  }
  req(apiKey: string, extra: Partial<GatewayRequest> = {}): GatewayRequest {
    return { id: `r${++this.seq}`, apiKey, model: 'big', inputTokens: 100, maxOutputTokens: 50, ...extra };
  }
  submit(apiKey: string, extra: Partial<GatewayRequest> = {}): Admission {
    return this.engine.submit(this.req(apiKey, extra));
  }
  /** Advances the clock, polling the engine at every wake-up on the way. */
  advance(ms: number): void {
    const end = this.clock.now() + ms;
    for (;;) {
      const at = this.engine.nextWakeAt();
      if (at > end) break;
      this.clock.set(Math.max(at, this.clock.now()));
      this.engine.poll();
      if (this.engine.nextWakeAt() === at) break;
    }
    this.clock.set(end);
    this.engine.poll();
  }
}

function ticketOf(a: Admission): Ticket {
  assert.ok(a.kind === 'dispatch' || a.kind === 'queued', `expected a ticket, got ${a.kind}`);
  return a.ticket;
}

test('an unknown key is refused with 401 and a known one is identified', () => {
  const h = new Harness(basePolicy());
  const bad = h.submit('nope-nope');
  assert.equal(bad.kind, 'rejected');
  assert.equal(bad.kind === 'rejected' && bad.status, 401);
  const ok = h.submit('key-acme-1');
  assert.equal(ok.kind, 'dispatch');
  const t = ticketOf(ok);
  assert.deepEqual(t.identity, { tenant: 'acme', keyId: 'a1', app: null, tier: 'premium' });
  assert.equal(t.instanceId, 'p1');
});

test('validation: unknown model 404, prompt too large 413, max_tokens too large 413', () => {
  const p = basePolicy();
  p.defaults = { ...p.defaults, maxInputTokens: 1000 };
  const h = new Harness(p);
  const status = (a: Admission) => (a.kind === 'rejected' ? a.status : 0);
  assert.equal(status(h.submit('key-acme-1', { model: 'gpt-9' })), 404);
  assert.equal(status(h.submit('key-acme-1', { inputTokens: 1001 })), 413);
  assert.equal(status(h.submit('key-acme-1', { maxOutputTokens: 1001 })), 413);
});

test('a token bucket of 10/s, burst 20: 100 at t=0 admits exactly 20, then one per 100 ms', () => {
  const p = basePolicy();
  p.backends.primary.maxConcurrencyPerInstance = 1000;
  p.tenants.acme.limits = [{ id: 'rps', algorithm: 'token-bucket', limit: 10, period: '1s', burst: 20 }];
  const h = new Harness(p);
  let admitted = 0;
  let firstRetry = -1;
  for (let i = 0; i < 100; i++) {
    const a = h.submit('key-acme-1');
    if (a.kind === 'dispatch') admitted++;
    else if (a.kind === 'rejected' && firstRetry < 0) {
      assert.equal(a.status, 429);
      assert.equal(a.code, 'SLUICE_RATE_LIMITED');
      assert.deepEqual(a.limit, { id: 'rps', capacity: 20, remaining: 0 });
      firstRetry = a.retryAfterMs ?? -1;
    }
  }
  assert.equal(admitted, 20);
  assert.equal(firstRetry, 100);
  // One request every 50 ms for 1 s: the bucket refills one token per 100 ms.
  let later = 0;
  for (let i = 1; i <= 20; i++) {
    h.clock.set(i * 50);
    if (h.submit('key-acme-1').kind === 'dispatch') later++;
  }
  assert.equal(later, 10);
});

test('requests wait in the backend queue and are dispatched when a slot frees', () => {
  const h = new Harness(basePolicy());
  const first = ticketOf(h.submit('key-acme-1'));
  const second = h.submit('key-acme-1');
  assert.equal(second.kind, 'queued');
  h.clock.set(100);
  const step = h.engine.complete(first, { ok: true, inputTokens: 100, outputTokens: 20 });
  assert.deepEqual(step, { kind: 'done' });
  assert.equal(h.dispatched.length, 1);
  assert.equal(h.dispatched[0], ticketOf(second));
  assert.equal(h.dispatched[0].instanceId, 'p1');
});

test('a full queue refuses with 429 and a queued request past its deadline expires exactly then', () => {
  const h = new Harness(basePolicy());
  ticketOf(h.submit('key-acme-1')); // takes the one slot
  assert.equal(h.submit('key-acme-1').kind, 'queued');
  assert.equal(h.submit('key-acme-1').kind, 'queued');
  const full = h.submit('key-acme-1');
  assert.equal(full.kind === 'rejected' && full.code, 'SLUICE_QUEUE_FULL');
  assert.equal(h.engine.nextWakeAt(), 5000);
  h.advance(4999);
  assert.equal(h.expired.length, 0);
  h.advance(2);
  assert.equal(h.expired.length, 2);
  assert.equal(h.expired[0].code, 'SLUICE_DEADLINE_EXCEEDED');
});

test('an upstream 5xx falls back to the next backend in the chain; a second failure fails the request', () => {
  const h = new Harness(basePolicy());
  const t = ticketOf(h.submit('key-acme-1'));
  assert.equal(t.backend, 'primary');
  const step = h.engine.complete(t, { ok: false, kind: '5xx' });
  assert.deepEqual(step, { kind: 'retry' });
  assert.equal(t.backend, 'secondary');
  assert.equal(t.attempts, 2);
  const again = h.engine.complete(t, { ok: false, kind: '5xx' });
  assert.equal(again.kind, 'failed');
  assert.equal(again.kind === 'failed' && again.status, 502);
  assert.equal(h.engine.counters.failed, 1);
});

test('an open circuit sends new requests to the fallback backend', () => {
  const p = basePolicy();
  p.backends.primary.maxConcurrencyPerInstance = 100;
  p.backends.primary.breaker = {
    failureRateThreshold: 0.5,
    minimumCalls: 4,
    window: '10s',
    cooldown: '2s',
    halfOpenProbes: 1,
  };
  const h = new Harness(p);
  for (let i = 0; i < 4; i++) {
    const t = ticketOf(h.submit('key-acme-1'));
    assert.equal(t.backend, 'primary');
    h.engine.complete(t, { ok: false, kind: '4xx' });
  }
  const after = ticketOf(h.submit('key-acme-1'));
  assert.equal(after.backend, 'secondary');
  h.clock.set(2000); // cooldown over: half-open lets one probe through
  const probe = ticketOf(h.submit('key-acme-1'));
  assert.equal(probe.backend, 'primary');
});

test('budgets: exhausted -> reject, or downgrade to the cheaper model', () => {
  for (const action of ['reject', 'downgrade'] as const) {
    const p = basePolicy();
    p.backends.primary.maxConcurrencyPerInstance = 100;
    p.tenants.acme.budget = { usd: 0.01, period: 'day', action };
    const h = new Harness(p);
    // 1000 input tokens at $10/M + 0 output = $0.01: exactly the budget.
    const t = ticketOf(h.submit('key-acme-1'));
    h.engine.complete(t, { ok: true, inputTokens: 1000, outputTokens: 0 });
    const next = h.submit('key-acme-1');
    if (action === 'reject') {
      assert.equal(next.kind === 'rejected' && next.code, 'SLUICE_BUDGET_EXHAUSTED');
    } else {
      const nt = ticketOf(next);
      assert.equal(nt.model, 'small');
      assert.equal(nt.backend, 'secondary');
    }
  }
});

test('cache: a second identical request is answered from the cache', () => {
  const p = basePolicy();
  p.cache = { enabled: true, ttl: '60s' };
  p.defaults = { ...p.defaults, cache: true };
  const h = new Harness(p);
  const t = ticketOf(h.submit('key-beta-1', { cacheKey: 'abc', temperature: 0 }));
  h.engine.complete(t, {
    ok: true,
    inputTokens: 100,
    outputTokens: 10,
    cacheValue: { answer: 42 },
    cacheBytes: 20,
  });
  const hit = h.submit('key-beta-1', { cacheKey: 'abc', temperature: 0 });
  assert.equal(hit.kind, 'cached');
  assert.deepEqual(hit.kind === 'cached' && hit.value, { answer: 42 });
  // temperature > 0 is not cached unless the policy allows it
  assert.notEqual(h.submit('key-beta-1', { cacheKey: 'abc', temperature: 0.7 }).kind, 'cached');
});

test('canary split: a stable share of keys goes to the canary version', () => {
  const p = basePolicy();
  const keys: Record<string, { key: string }> = {};
  for (let i = 0; i < 1000; i++) keys[`k${i}`] = { key: `key-acme-${String(i).padStart(4, '0')}` };
  p.tenants.acme.keys = keys;
  p.backends.secondary.maxConcurrencyPerInstance = 100_000;
  p.backends.primary.maxConcurrencyPerInstance = 100_000;
  const h = new Harness(p);
  const { version } = h.engine.setCanary(structuredClone(p), { percent: 20, by: 'apiKey' });
  assert.equal(version, 2);
  let canary = 0;
  const armOf = new Map<string, string>();
  for (let i = 0; i < 1000; i++) {
    const key = `key-acme-${String(i).padStart(4, '0')}`;
    const t = ticketOf(h.submit(key));
    if (t.arm === 'canary') canary++;
    armOf.set(key, t.arm);
  }
  assert.ok(canary > 160 && canary < 240, `canary share ${canary}/1000`);
  for (const [key, arm] of armOf) assert.equal(ticketOf(h.submit(key)).arm, arm);
});

test('onLimit wait: a request over the limit waits for the bucket instead of a 429', () => {
  const p = basePolicy();
  p.backends.primary.maxConcurrencyPerInstance = 100;
  p.tenants.acme.limits = [{ id: 'rps', limit: 1, period: '1s', burst: 1, onLimit: 'wait' }];
  const h = new Harness(p);
  assert.equal(h.submit('key-acme-1').kind, 'dispatch');
  const waiting = h.submit('key-acme-1');
  assert.equal(waiting.kind, 'queued');
  assert.equal(h.engine.nextWakeAt(), 1000);
  h.advance(999);
  assert.equal(h.dispatched.length, 0);
  h.advance(1);
  assert.equal(h.dispatched.length, 1);
  assert.equal(h.dispatched[0], ticketOf(waiting));
});

test('output tokens: max_tokens is reserved at admission and reconciled at completion', () => {
  const p = basePolicy();
  p.backends.primary.maxConcurrencyPerInstance = 100;
  p.tenants.acme.limits = [{ id: 'otpm', tpm: 1000, unit: 'output-tokens', algorithm: 'fixed-window' }];
  const h = new Harness(p);
  const a = ticketOf(h.submit('key-acme-1', { maxOutputTokens: 600 }));
  // 600 reserved: another 600 does not fit in 1000
  const b = h.submit('key-acme-1', { maxOutputTokens: 600 });
  assert.equal(b.kind, 'rejected');
  h.engine.complete(a, { ok: true, inputTokens: 100, outputTokens: 100 });
  // only 100 were used: 900 remain, so 600 fits now
  assert.equal(h.submit('key-acme-1', { maxOutputTokens: 600 }).kind, 'dispatch');
});

test('telemetry: interval records count arrivals, completions and rejections per tenant', () => {
  const p = basePolicy();
  p.tenants.beta.limits = [{ rpm: 2 }];
  const h = new Harness(p);
  const t = ticketOf(h.submit('key-beta-1'));
  h.submit('key-beta-1');
  h.submit('key-beta-1');
  h.clock.set(500);
  h.engine.complete(t, { ok: true, inputTokens: 100, outputTokens: 10 });
  h.clock.set(10_000);
  const records = h.engine.drainTelemetry();
  const beta = records.filter((r) => r.tenant === 'beta');
  const sum = (k: 'arrived' | 'completed' | 'rejected') => beta.reduce((s, r) => s + r[k], 0);
  assert.equal(sum('arrived'), 3);
  assert.equal(sum('rejected'), 1);
  assert.equal(sum('completed'), 1);
  const done = beta.find((r) => r.completed === 1)!;
  assert.equal(done.instance !== '-', true);
  assert.ok(Math.abs((done.latencyMs.p50 ?? 0) - 500) <= 5);
  assert.ok(Math.abs(done.costUsd - (100 * 10 + 10 * 30) / 1e6) < 1e-12);
});
