/**
 * A model-based driver for the policy engine's property tests. It generates small random policies
 * (every limit algorithm and unit, budgets, queues, breakers, ejection, fallback chains, cache,
 * routing rules) and random operations (submits, upstream outcomes, policy changes, canaries,
 * scaling), drives the engine the way an adapter does (submit; send on 'dispatch' or
 * listener.dispatch; complete later; poll at nextWakeAt), and keeps its own tally of every
 * request, checking the engine's invariants after every call:
 *
 *   - a request ends exactly once (rejected, cached, done, failed, or expired through the
 *     listener) and is never lost: after the run settles nothing is left waiting;
 *   - a ticket is never dispatched while already in flight, never after its deadline;
 *   - per-instance in-flight counts equal the engine's snapshot and stay within
 *     maxConcurrencyPerInstance; per-tenant in-flight stays within the tenant's concurrency;
 *   - a queued request that expires does so at its deadline (the poll at nextWakeAt), and a poll
 *     at nextWakeAt makes progress (no wake-up that repeats forever).
 *
 * The tally it returns lets the tests compare telemetry and limiter state with what happened.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../clock.js';
import type { ErrorCode } from '../errors.js';
import type { BackendSpec, PolicyDocument } from '../policy/schema.js';
import { SeededRng } from '../rng.js';
import type { IntervalRecord } from '../telemetry/interval-record.js';
import { PolicyEngine } from './policy-engine.js';
import type { Op, OutcomeChoice } from './policy-engine.scenario-ops.js';
import {
  BACKENDS,
  buildPolicy,
  KEYS,
  type PolicyChoice,
  TENANT_OF_KEY,
} from './policy-engine.scenario-policy.js';
import type { Admission, GatewayRequest, Ticket, UpstreamOutcome } from './types.js';

export * from './policy-engine.scenario-ops.js';
export * from './policy-engine.scenario-policy.js';

export type Fate = 'rejected' | 'cached' | 'done' | 'failed' | 'expired' | 'unserved';

export interface Track {
  readonly id: string;
  readonly request: GatewayRequest;
  readonly tenant: string;
  state: 'waiting' | 'in-flight' | 'completing' | Fate;
  ticket: Ticket | null;
  /** Upstream attempts the adapter made. */
  attempts: number;
  /** For 'done': the usage reported. */
  usage: { input: number; output: number } | null;
  code: ErrorCode | null;
  /** Where the request is in flight now. */
  at: { backend: string; instance: string } | null;
  endedAt: number;
  /** Set when listener.dispatch came while complete() was still running. */
  dispatchedDuringComplete: boolean;
  /** No dispatch before this time (an upstream retry-after). */
  notBefore: number;
}

export interface RunResult {
  readonly engine: PolicyEngine;
  readonly clock: ManualClock;
  readonly tracks: Map<string, Track>;
  readonly telemetry: IntervalRecord[];
  /** Every engine event in order, as text: for determinism checks. */
  readonly log: string[];
  /** The control documents the run went through (first one first). */
  readonly docs: PolicyDocument[];
}

export interface RunOptions {
  seed?: number;
  /** Called after every engine call (submit, complete, poll, policy change). */
  afterCall?: (r: RunResult) => void;
  /** Outcome of the completions made while the run settles (default: ok, no output). */
  settleOutcome?: OutcomeChoice;
  /** The clock's start (default 0; an epoch-ms value checks rounding at wall-clock magnitudes). */
  startMs?: number;
}

const POLLS_AT_ONE_TIME = 4;

/** Runs `ops` against an engine built from `initial`, checking invariants; then settles every request. */
export function runScenario(initial: PolicyChoice, ops: readonly Op[], options: RunOptions = {}): RunResult {
  const clock = new ManualClock(options.startMs ?? 0);
  const tracks = new Map<string, Track>();
  const telemetry: IntervalRecord[] = [];
  const log: string[] = [];
  const docs: PolicyDocument[] = [buildPolicy(initial)];
  const tenantConc = new Map<string, number>();
  const noteDoc = (doc: PolicyDocument) => {
    for (const [name, spec] of Object.entries(doc.tenants))
      tenantConc.set(name, Math.max(tenantConc.get(name) ?? 0, spec.concurrency ?? Number.POSITIVE_INFINITY));
  };
  noteDoc(docs[0]);
  // The spec each pool runs under: the latest control document that names it (a reload retunes
  // an existing pool), or the canary's for a pool a canary created.
  const poolSpecs = new Map<string, BackendSpec>();
  const notePools = (doc: PolicyDocument, onlyNew = false) => {
    for (const [name, spec] of Object.entries(doc.backends))
      if (!onlyNew || !poolSpecs.has(name)) poolSpecs.set(name, spec);
  };
  notePools(docs[0]);
  const inFlightAt = new Map<string, number>();
  const inFlightOf = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, d: number) => m.set(k, (m.get(k) ?? 0) + d);

  const trackOf = (t: Ticket): Track => {
    const tr = tracks.get(t.request.id);
    assert.ok(tr, `the engine handed back an unknown ticket ${t.request.id}`);
    assert.equal(tr.ticket, t, `ticket ${t.request.id} is not the one the engine first handed out`);
    return tr;
  };
  const fly = (tr: Track, t: Ticket, how: string) => {
    const now = clock.now();
    assert.ok(now <= t.deadline, `${tr.id} ${how} at ${now}, after its deadline ${t.deadline}`);
    assert.ok(t.instanceId !== '' && t.backend !== '', `${tr.id} ${how} without an instance`);
    assert.ok(
      now >= tr.notBefore,
      `${tr.id} ${how} at ${now}, before its upstream retry-after ${tr.notBefore}`,
    );
    // Never to an instance that is draining, ejected or open-circuited.
    const inst = engine.backendSnapshot(t.backend)?.instances.find((i) => i.id === t.instanceId);
    assert.ok(inst, `${tr.id} ${how} to ${t.backend}/${t.instanceId}, not in the pool`);
    assert.ok(
      !inst.draining && !inst.ejected && inst.breaker !== 'open',
      `${tr.id} ${how} to an unusable instance ${JSON.stringify(inst)}`,
    );
    tr.state = 'in-flight';
    tr.attempts++;
    tr.at = { backend: t.backend, instance: t.instanceId };
    const k = `${t.backend}/${t.instanceId}`;
    bump(inFlightAt, k, 1);
    bump(inFlightOf, tr.tenant, 1);
    // A new dispatch respects the current control version's limit (applyPolicy retunes pools).
    const max = docs[docs.length - 1].backends[t.backend]?.maxConcurrencyPerInstance ?? 64;
    assert.ok(
      (inFlightAt.get(k) ?? 0) <= max,
      `${k} has ${inFlightAt.get(k)} in flight, over maxConcurrencyPerInstance ${max}`,
    );
    const tmax = tenantConc.get(tr.tenant) ?? Number.POSITIVE_INFINITY;
    assert.ok(
      (inFlightOf.get(tr.tenant) ?? 0) <= tmax,
      `tenant ${tr.tenant} has ${inFlightOf.get(tr.tenant)} in flight, over its concurrency ${tmax}`,
    );
    log.push(`${now} ${how} ${tr.id} ${k} #${tr.attempts}`);
  };
  const land = (tr: Track) => {
    assert.ok(tr.at !== null, `${tr.id} lands but was not in flight`);
    bump(inFlightAt, `${tr.at.backend}/${tr.at.instance}`, -1);
    bump(inFlightOf, tr.tenant, -1);
    tr.at = null;
  };
  const end = (tr: Track, fate: Fate, code: ErrorCode | null) => {
    tr.state = fate;
    tr.code = code;
    tr.endedAt = clock.now();
    log.push(`${clock.now()} ${fate} ${tr.id} ${code ?? ''}`);
  };

  const engine = new PolicyEngine({
    policy: docs[0],
    clock,
    rng: new SeededRng(options.seed ?? 7),
    telemetryIntervalMs: 1000,
    listener: {
      dispatch: (t) => {
        const tr = trackOf(t);
        if (tr.state === 'completing') {
          tr.dispatchedDuringComplete = true;
        } else {
          assert.equal(tr.state, 'waiting', `listener.dispatch(${tr.id}) while it is ${tr.state}`);
        }
        fly(tr, t, 'dispatch');
      },
      expire: (t, code) => {
        const tr = trackOf(t);
        assert.equal(tr.state, 'waiting', `listener.expire(${tr.id}, ${code}) while it is ${tr.state}`);
        if (code === 'SLUICE_DEADLINE_EXCEEDED') {
          assert.equal(
            clock.now(),
            t.deadline,
            `${tr.id} expired at ${clock.now()}, its deadline is ${t.deadline}`,
          );
          end(tr, 'expired', code);
        } else {
          end(tr, 'unserved', code);
        }
      },
    },
  });
  const result: RunResult = { engine, clock, tracks, telemetry, log, docs };

  const ejectedBefore = new Map<string, number>();
  const afterCall = () => {
    // The engine's per-instance counts agree with the adapter's.
    for (const name of engine.backendNames()) {
      const snap = engine.backendSnapshot(name)!;
      // A new ejection respects the pool's cap (at least one may always be out).
      const ejected = snap.instances.filter((i) => i.ejected).length;
      const pct = poolSpecs.get(name)?.outlierEjection?.maxEjectedPercent ?? 50;
      if (ejected > (ejectedBefore.get(name) ?? 0))
        assert.ok(
          ejected <= Math.max(1, Math.floor((pct * snap.instances.length) / 100)),
          `${name}: ${ejected} of ${snap.instances.length} instances ejected, over maxEjectedPercent ${pct}`,
        );
      ejectedBefore.set(name, ejected);
      let sum = 0;
      for (const inst of snap.instances) {
        const mine = inFlightAt.get(`${name}/${inst.id}`) ?? 0;
        assert.equal(
          inst.inFlight,
          mine,
          `${name}/${inst.id}: engine says ${inst.inFlight} in flight, adapter ${mine}`,
        );
        sum += mine;
      }
      for (const [k, n] of inFlightAt)
        if (n > 0 && k.startsWith(`${name}/`))
          assert.ok(
            snap.instances.some((i) => `${name}/${i.id}` === k),
            `${k} has ${n} in flight but left the pool`,
          );
      assert.equal(snap.inFlight, sum, `${name}: pool in flight ${snap.inFlight}, adapter ${sum}`);
      // Work-conserving: nothing waits in a queue while a closed, in-service instance has a free slot.
      if (snap.queueDepth > 0) {
        const max = docs[docs.length - 1].backends[name]?.maxConcurrencyPerInstance ?? 64;
        const idle = snap.instances.find(
          (i) =>
            !i.draining && !i.ejected && (i.breaker === null || i.breaker === 'closed') && i.inFlight < max,
        );
        assert.ok(idle === undefined, `${name}: ${snap.queueDepth} queued while ${idle?.id} has a free slot`);
      }
    }
    options.afterCall?.(result);
  };

  /** Polls at every wake-up up to `target`, then moves the clock there. */
  const advanceTo = (target: number) => {
    let last = Number.NaN;
    let repeats = 0;
    for (;;) {
      const at = engine.nextWakeAt();
      if (at > target) break;
      assert.ok(at >= clock.now(), `nextWakeAt ${at} is before now ${clock.now()}: a wake-up was missed`);
      if (at === last) {
        repeats++;
        assert.ok(repeats < POLLS_AT_ONE_TIME, `poll() at nextWakeAt ${at} makes no progress`);
      } else {
        repeats = 0;
        last = at;
      }
      clock.set(at);
      engine.poll();
      afterCall();
    }
    clock.set(target);
  };

  let seq = 0;
  const submit = (op: Extract<Op, { kind: 'submit' }>) => {
    const request: GatewayRequest = {
      id: `r${++seq}`,
      apiKey: KEYS[op.key],
      model: op.model,
      inputTokens: op.inputTokens,
      maxOutputTokens: op.maxOutputTokens,
      temperature: 0,
    };
    if (op.cacheKey !== undefined) request.cacheKey = op.cacheKey;
    const tr: Track = {
      id: request.id,
      request,
      tenant: TENANT_OF_KEY[op.key],
      state: 'waiting',
      ticket: null,
      attempts: 0,
      usage: null,
      code: null,
      at: null,
      endedAt: Number.NaN,
      dispatchedDuringComplete: false,
      notBefore: 0,
    };
    tracks.set(tr.id, tr);
    const a: Admission = engine.submit(request);
    log.push(`${clock.now()} submit ${tr.id} -> ${a.kind}`);
    if (a.kind === 'rejected') end(tr, 'rejected', a.code);
    else if (a.kind === 'cached') end(tr, 'cached', null);
    else {
      assert.equal(a.ticket.request, request);
      tr.ticket = a.ticket;
      if (a.kind === 'dispatch') fly(tr, a.ticket, 'send');
    }
    afterCall();
  };

  const outcomeFor = (tr: Track, o: OutcomeChoice): UpstreamOutcome => {
    if (o.kind === 'ok') {
      const reserved = tr.ticket!.reservedOutputTokens;
      const out: UpstreamOutcome = {
        ok: true,
        inputTokens: Math.max(0, tr.request.inputTokens + o.inputDelta),
        outputTokens: Math.floor(reserved * o.outputShare),
      };
      if (o.cacheIt) {
        out.cacheValue = `answer-${tr.id}`;
        out.cacheBytes = 100;
      }
      return out;
    }
    if (o.kind === '429')
      return o.retryAfterMs === undefined
        ? { ok: false, kind: '429' }
        : { ok: false, kind: '429', retryAfterMs: o.retryAfterMs };
    return { ok: false, kind: o.kind };
  };

  const complete = (tr: Track, o: OutcomeChoice) => {
    const t = tr.ticket!;
    land(tr);
    tr.state = 'completing';
    const outcome = outcomeFor(tr, o);
    const lastInChain = t.chainIndex + 1 >= t.chain.length;
    const step = engine.complete(t, outcome);
    // An upstream 429's retry-after on the last pool of the chain is waited out before a retry.
    if (step.kind === 'queued' && lastInChain && o.kind === '429' && o.retryAfterMs !== undefined)
      tr.notBefore = clock.now() + o.retryAfterMs;
    log.push(`${clock.now()} complete ${tr.id} ${o.kind} -> ${step.kind}`);
    const early = tr.dispatchedDuringComplete;
    tr.dispatchedDuringComplete = false;
    if (step.kind === 'done') {
      assert.ok(outcome.ok && !early, `${tr.id}: done after a failure, or dispatched again`);
      tr.usage = { input: outcome.inputTokens, output: outcome.outputTokens };
      end(tr, 'done', null);
    } else if (step.kind === 'failed') {
      assert.ok(!early, `${tr.id}: failed but listener.dispatch was called during complete()`);
      end(tr, 'failed', step.code);
    } else if (step.kind === 'retry') {
      assert.ok(!early, `${tr.id}: retry but listener.dispatch was called during complete()`);
      fly(tr, t, 'retry');
    } else {
      assert.ok(!early, `${tr.id}: complete() answered 'queued' after listener.dispatch already sent it`);
      tr.state = 'waiting';
    }
    afterCall();
  };

  let canaryDoc: PolicyDocument | null = null;
  const inFlight = () => [...tracks.values()].filter((t) => t.state === 'in-flight');

  for (const op of ops) {
    advanceTo(clock.now() + op.gap);
    switch (op.kind) {
      case 'submit':
        submit(op);
        break;
      case 'complete': {
        const live = inFlight();
        if (live.length > 0) complete(live[op.pick % live.length], op.outcome);
        break;
      }
      case 'apply': {
        const doc = buildPolicy(op.policy);
        docs.push(doc);
        noteDoc(doc);
        notePools(doc);
        engine.applyPolicy(doc);
        log.push(`${clock.now()} apply v${engine.version}`);
        afterCall();
        break;
      }
      case 'canary': {
        const doc = buildPolicy(op.policy);
        noteDoc(doc);
        canaryDoc = doc;
        notePools(doc, true);
        const v = engine.setCanary(doc, { percent: op.percent, by: 'requestId' });
        log.push(`${clock.now()} canary v${v.version} ${op.percent}%`);
        afterCall();
        break;
      }
      case 'clearCanary':
        canaryDoc = null;
        engine.clearCanary();
        log.push(`${clock.now()} clear canary`);
        afterCall();
        break;
      case 'promote': {
        // The canary's document becomes the control one (before the call: it may dispatch).
        if (canaryDoc !== null && engine.canaryState !== null) {
          docs.push(canaryDoc);
          notePools(canaryDoc);
        }
        if (engine.promoteCanary() !== null) log.push(`${clock.now()} promote v${engine.version}`);
        canaryDoc = null;
        afterCall();
        break;
      }
      case 'scale': {
        const name = BACKENDS[op.backend];
        engine.setInstances(
          name,
          op.ids.map((i) => ({ id: `${name}-${i}` })),
        );
        log.push(`${clock.now()} scale ${name} ${op.ids.join(',')}`);
        afterCall();
        break;
      }
    }
    telemetry.push(...engine.drainTelemetry());
  }

  // Settle: answer everything in flight, poll at every wake-up, until nothing is left.
  const settle = options.settleOutcome ?? { kind: 'ok', inputDelta: 0, outputShare: 0, cacheIt: false };
  for (let round = 0; ; round++) {
    assert.ok(round < 10_000, 'the run does not settle');
    const live = inFlight();
    if (live.length > 0) {
      advanceTo(clock.now() + 10);
      complete(live[0], settle);
      continue;
    }
    const at = engine.nextWakeAt();
    if (!Number.isFinite(at)) break;
    advanceTo(at);
  }
  for (const tr of tracks.values())
    assert.ok(
      tr.state !== 'waiting' && tr.state !== 'in-flight' && tr.state !== 'completing',
      `${tr.id} is lost: still ${tr.state} after the run settled (nextWakeAt is Infinity)`,
    );
  telemetry.push(...engine.drainTelemetry(), ...engine.flushTelemetry());
  return result;
}
