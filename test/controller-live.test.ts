/**
 * The live controller end to end, all real and on loopback: two gateway replicas (buildGateway,
 * in-process, listening on free ports), a real Redis (leader election), a real InfluxDB
 * (telemetry, 1 s intervals), the mock OpenAI upstream, and the adaptive controller on a 1 s
 * control interval driving the gateways through their admin API.
 *
 * The gateways get no Redis of their own: with Redis, shared limits are checked against the
 * control policy before the canary split, so a canaried limit would never bind (see the report).
 * Each replica writes its own InfluxDB database, because the writer has no replica tag and two
 * replicas' points for one series and interval would overwrite each other.
 *
 * The judge runs with margins widened for a ~15 s canary (the defaults need thousands of samples
 * per arm); the statistics are the production code's, only the margins differ.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { fetch } from 'undici';
import type { AdaptiveOptions } from '../controller/adaptive-controller.js';
import { type ControllerArgs, controllerOptions } from '../cli/commands/controller.js';
import { GatewayAdminActuator } from '../controller/live/gateway-admin-actuator.js';
import { LeaderLock } from '../controller/live/leader-lock.js';
import { buildLiveController, type LiveSetup } from '../controller/live/live-setup.js';
import type { Actuator, ControllerMode } from '../controller/controller-mode.js';
import type { TelemetrySource } from '../controller/interfaces.js';
import { RolloutJudge } from '../controller/judge/rollout-judge.js';
import { type AuditEntry, type AuditLog, MemoryAuditSink } from '../controller/rollout/audit-log.js';
import { RolloutManager } from '../controller/rollout/rollout-manager.js';
import { contentHash } from '../gateway-core/policy/version.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { ADMIN_TOKEN, chatBody, KEYS, testPolicy } from './harness/policies.js';
import {
  freePort,
  type InfluxService,
  type RedisService,
  startInflux,
  startRedis,
} from './harness/services.js';

let redis: RedisService;
let influx: InfluxService;
let mock: MockOpenAI;
const closers: (() => Promise<void>)[] = [];

before(async () => {
  [redis, influx, mock] = await Promise.all([startRedis(), startInflux(), startMockOpenAI({ delayMs: 30 })]);
});
after(async () => {
  for (const close of closers.reverse()) await close();
  await Promise.all([mock.close(), influx.stop(), redis.stop()]);
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` every 100 ms until it holds; fails with `what` after `ms`, quoting the last
 * entries of `audit` (the controller's reasons) when given.
 */
async function until(
  what: string,
  ms: number,
  check: () => boolean | Promise<boolean>,
  audit?: MemoryAuditSink,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  const trail = (audit?.lines ?? []).slice(-8).map((l) => l.slice(0, 600));
  assert.fail(`timed out after ${ms} ms waiting for: ${what}\n${trail.join('\n')}`);
}

interface Fleet {
  urls: string[];
  databases: string[];
  apps: FastifyInstance[];
}

async function startGateway(policy: PolicyDocument, database: string, port = 0): Promise<FastifyInstance> {
  const app = await buildGateway({
    policy,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    influx: { url: influx.url, database },
    telemetryIntervalMs: 1000,
  });
  await app.listen({ host: '127.0.0.1', port });
  closers.push(() => app.close());
  return app;
}

async function startFleet(name: string, policy: PolicyDocument): Promise<Fleet> {
  const databases = [`${name}_a`, `${name}_b`];
  const apps = await Promise.all(databases.map((db) => startGateway(policy, db)));
  const urls = apps.map((a) => {
    const addr = a.server.address();
    return `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  });
  return { urls, databases, apps };
}

/** Open-loop traffic: `rates` requests/s per key, spread over the gateways in turn. */
function startLoad(urls: readonly string[], rates: Record<keyof typeof KEYS, number>) {
  const statuses = new Map<number, number>();
  const owed: Record<string, number> = {};
  const turn: Record<string, number> = {};
  let inFlight = 0;
  const fire = (key: string): void => {
    turn[key] = (turn[key] ?? 0) + 1;
    const url = urls[turn[key] % urls.length];
    inFlight++;
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody()),
    })
      .then(async (r) => {
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      })
      .catch(() => statuses.set(0, (statuses.get(0) ?? 0) + 1))
      .finally(() => inFlight--);
  };
  const timer = setInterval(() => {
    for (const [tenant, rps] of Object.entries(rates)) {
      owed[tenant] = (owed[tenant] ?? 0) + rps / 20;
      while (owed[tenant] >= 1) {
        owed[tenant]--;
        fire(KEYS[tenant as keyof typeof KEYS]);
      }
    }
  }, 50);
  const load = {
    rates,
    statuses,
    async stop() {
      clearInterval(timer);
      await until('load drained', 5000, () => inFlight === 0);
    },
  };
  closers.push(() => load.stop());
  return load;
}

interface AdminPolicy {
  version: number;
  hash: string;
  policy: PolicyDocument;
  canary: { version: number; percent: number; by: string } | null;
}

async function adminPolicy(url: string): Promise<AdminPolicy> {
  const r = await fetch(`${url}/admin/policy`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return (await r.json()) as AdminPolicy;
}

async function gatewayAudit(url: string): Promise<{ action: string; version: number | null }[]> {
  const r = await fetch(`${url}/admin/audit`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return (await r.json()) as { action: string; version: number | null }[];
}

function tenantRpm(doc: PolicyDocument, tenant: string): number | undefined {
  return doc.tenants[tenant].limits?.find((l) => l.rpm !== undefined)?.rpm;
}

/** Settings for a control interval of 1 s and canaries decided in seconds. */
function adaptive(capacityRps: number): Partial<AdaptiveOptions> {
  return {
    capacityRps,
    queueWeights: false,
    warmupIntervals: 4,
    guardrails: { deadband: 0.1 },
    rollout: { canaryPercent: 50, maxLooks: 40 },
    judge: {
      minSamples: 50,
      meanMargin: 0.25,
      tailMargin: 0.05,
      errorMargin: 0.05,
      timeoutMargin: 0.05,
      rejectionMargin: 0.05,
      tauRate: 0.05,
    },
  };
}

function controller(
  id: string,
  fleet: Fleet,
  sink: MemoryAuditSink,
  capacityRps: number,
  lockKey: string | null,
  mode?: (audit: AuditLog) => ControllerMode,
): LiveSetup {
  const setup = buildLiveController({
    id,
    gateways: fleet.urls,
    adminToken: ADMIN_TOKEN,
    influx: { url: influx.url, databases: fleet.databases, settleMs: 1500 },
    redis: lockKey === null ? null : redis.url,
    lockKey: lockKey ?? undefined,
    lockTtlMs: 1500,
    intervalMs: 1000,
    audit: sink.sink,
    adaptive: adaptive(capacityRps),
    mode,
  });
  closers.push(() => setup.close());
  return setup;
}

const kinds = (sink: MemoryAuditSink, kind: AuditEntry['kind']): AuditEntry[] =>
  sink.entries().filter((e) => e.kind === kind);

test('a load shift is canaried and promoted; a standby takes over mid-canary; a dead controller leaves the policy', async () => {
  const policy = testPolicy(mock.url);
  // Limits where the tuner puts them for 10 + 30 rps on a 100 rps fleet: claims p90 x 1.2 = 12
  // and 36 rps, spare capacity split evenly: 38 and 62 rps.
  policy.tenants.acme.limits = [{ rpm: 2280 }];
  policy.tenants.beta.limits = [{ rpm: 3720 }];
  const fleet = await startFleet('shift', policy);
  const sinkA = new MemoryAuditSink();
  const sinkB = new MemoryAuditSink();
  const a = controller('ctl-a', fleet, sinkA, 100, 'sluice:test:shift');
  const b = controller('ctl-b', fleet, sinkB, 100, 'sluice:test:shift');
  await a.start();
  await b.start();
  assert.equal(a.controller.isLeader(), true);
  assert.equal(b.controller.isLeader(), false);
  assert.equal(await a.lock?.holder(), 'ctl-a');

  const load = startLoad(fleet.urls, { acme: 10, beta: 30 });
  await until('controller a warmed up and tuning', 20_000, () => a.controller.counts.ran >= 9);
  assert.equal(kinds(sinkA, 'proposal').length, 0);
  // The shift: demand moves from beta to acme (each stays within its entitled 50 rps, so it is
  // a shift, not abuse).
  load.rates.acme = 30;
  load.rates.beta = 10;

  await until('a canary on the fleet', 30_000, () => kinds(sinkA, 'canary').length === 1, sinkA);
  const proposal = kinds(sinkA, 'proposal')[0];
  // acme's limit grows (by at most the 50% step) towards 3720 rpm; beta's shrinks towards 2280
  // unless, the first interval after the shift, its forecast has moved less than the dead band.
  const m = /^tenant acme: (\d+) rpm, burst \d+(?:; tenant beta: (\d+) rpm, burst \d+)?$/.exec(
    String(proposal.change),
  );
  assert.ok(m, String(proposal.change));
  const acmeRpm = Number(m[1]);
  const betaRpm = m[2] === undefined ? 3720 : Number(m[2]);
  assert.ok(acmeRpm > 2500 && acmeRpm <= 3420, String(acmeRpm));
  assert.ok(betaRpm <= 3720 && betaRpm >= 1860, String(betaRpm));
  assert.deepEqual((proposal.evidence as { rateLimits: { flagged: string[] } }).rateLimits.flagged, []);
  // The audit entry is written when the canary is decided; the admin calls follow in the same tick.
  await until('the canary on every gateway', 5000, async () =>
    (await Promise.all(fleet.urls.map(adminPolicy))).every((p) => p.canary !== null),
  );
  for (const p of await Promise.all(fleet.urls.map(adminPolicy))) {
    assert.deepEqual(p.canary, { version: 2, percent: 50, by: 'requestId' });
    assert.equal(tenantRpm(p.policy, 'acme'), 2280); // control unchanged while the canary runs
  }

  // Controller a dies mid-canary (no release): the gateways keep serving the split, and b takes
  // over once the lock's ttl has run out, finds the canary running and judges it.
  await a.close({ release: false });
  await until('b leading', 5000, () => b.controller.isLeader());
  await until('b promoted the canary', 45_000, () => kinds(sinkB, 'promote').length === 1, sinkB);
  const promoted = kinds(sinkB, 'promote')[0];
  assert.equal(promoted.verdict, 'promote');
  assert.equal(promoted.canaryVersion, 2);
  assert.equal(promoted.change, 'unknown change (found running)');
  assert.equal(kinds(sinkB, 'action')[0].action, 'leader-acquired');
  await until('every gateway on the promoted policy', 5000, async () =>
    (await Promise.all(fleet.urls.map(adminPolicy))).every(
      (p) => p.canary === null && tenantRpm(p.policy, 'acme') === acmeRpm,
    ),
  );
  const after = await Promise.all(fleet.urls.map(adminPolicy));
  assert.deepEqual(
    after.map((p) => [p.version, tenantRpm(p.policy, 'beta')]),
    [
      [4, betaRpm],
      [4, betaRpm],
    ],
  );
  assert.equal(after[0].hash, after[1].hash);
  // Each gateway's own audit log: started, canary (v2, restoring control as v3), promoted as v4.
  for (const url of fleet.urls)
    assert.deepEqual(
      (await gatewayAudit(url)).map((e) => `${e.action}:${e.version}`),
      ['apply:1', 'canary:2', 'apply:4', 'promote:4'],
    );

  // b dies too: the gateways stay on the promoted policy and keep answering.
  await b.close({ release: false });
  const served = load.statuses.get(200) ?? 0;
  await until('traffic still served', 5000, () => (load.statuses.get(200) ?? 0) > served + 20);
  await load.stop();
  for (const p of await Promise.all(fleet.urls.map(adminPolicy))) assert.equal(p.hash, after[0].hash);
  assert.equal(load.statuses.get(0) ?? 0, 0);
  assert.equal(load.statuses.get(500) ?? 0, 0);
});

/**
 * Proposes one fixed candidate through the real rollout manager and judge (the tuners are not
 * involved): how a harmful change is forced onto a canary.
 */
class ForcedCandidate implements ControllerMode {
  readonly name = 'adaptive' as const;
  manager: RolloutManager | null = null;
  private proposed = false;

  constructor(
    private readonly audit: AuditLog,
    private readonly change: (doc: PolicyDocument) => PolicyDocument,
    private readonly description: string,
  ) {}

  onInterval(now: number, telemetry: TelemetrySource, actuator: Actuator): void {
    this.manager ??= new RolloutManager(
      actuator,
      telemetry,
      new RolloutJudge(adaptive(0).judge),
      this.audit,
      {
        intervalMs: 1000,
        canaryPercent: 50,
      },
    );
    const doc = actuator.currentVersion().control.doc;
    const proposal = this.proposed ? null : { doc: this.change(doc), description: this.description };
    if (this.manager.reconcile(now, proposal).action === 'canary-started') this.proposed = true;
  }
}

test('a harmful candidate (a limit far too tight for the traffic) is canaried and rolled back', async () => {
  const policy = testPolicy(mock.url);
  const before = contentHash(policy);
  const fleet = await startFleet('harm', policy);
  const sink = new MemoryAuditSink();
  // 3 rps per tenant and replica, burst 3, for 5 rps per tenant and replica on the canary arm.
  const tight = (doc: PolicyDocument): PolicyDocument => {
    const next = structuredClone(doc);
    for (const t of Object.values(next.tenants)) t.limits = [{ rpm: 180, burst: 3 }];
    return next;
  };
  const c = controller(
    'ctl-harm',
    fleet,
    sink,
    0,
    null,
    (audit) => new ForcedCandidate(audit, tight, 'every tenant: 180 rpm, burst 3'),
  );
  const load = startLoad(fleet.urls, { acme: 20, beta: 20 });
  await c.start();
  await until('a rollback', 45_000, () => kinds(sink, 'rollback').length === 1, sink);
  await load.stop();
  const rollback = kinds(sink, 'rollback')[0];
  assert.equal(rollback.verdict, 'rollback');
  assert.equal(rollback.change, 'every tenant: 180 rpm, burst 3');
  assert.match(String(rollback.reason), /^harm: .*rejections/);
  assert.equal(kinds(sink, 'canary').length, 1);
  await until('canary gone everywhere', 5000, async () =>
    (await Promise.all(fleet.urls.map(adminPolicy))).every((p) => p.canary === null),
  );
  for (const p of await Promise.all(fleet.urls.map(adminPolicy))) {
    assert.equal(p.hash, before);
    assert.equal(p.policy.tenants.acme.limits, undefined);
  }
  for (const url of fleet.urls)
    assert.deepEqual(
      (await gatewayAudit(url)).map((e) => `${e.action}:${e.version}`),
      ['apply:1', 'canary:2', 'clear-canary:3'],
    );
  await c.close();
});

test('sluice controller --dry-run: proposals go to the audit log, nothing reaches the gateways', async () => {
  const args: ControllerArgs = {
    gateway: [],
    influx: influx.url,
    influxDb: [],
    interval: '1s',
    dryRun: true,
    canaryPercent: 50,
    capacityRps: 6,
    prewarmK: 32,
    scalePool: [],
  };
  assert.throws(
    () => controllerOptions(args, () => {}),
    (e: unknown) => (e as { code?: string }).code === 'SLUICE_CONFIG_INVALID',
  );
  const policy = testPolicy(mock.url);
  const fleet = await startFleet('dry', policy);
  const sink = new MemoryAuditSink();
  const options = controllerOptions(
    { ...args, gateway: fleet.urls, influxDb: fleet.databases, adminToken: ADMIN_TOKEN, redis: redis.url },
    sink.sink,
  );
  assert.deepEqual(
    [options.intervalMs, options.redis, options.dryRun, options.adaptive?.rollout?.canaryPercent],
    [1000, redis.url, true, 50],
  );
  const c = buildLiveController({
    ...options,
    adaptive: { ...options.adaptive, queueWeights: false, warmupIntervals: 3 },
  });
  closers.push(() => c.close());
  const load = startLoad(fleet.urls, { acme: 10, beta: 10 });
  await c.start();
  await until('a dry-run proposal', 15_000, () => kinds(sink, 'dry-run').length >= 2, sink);
  await load.stop();
  await c.close();
  const dry = kinds(sink, 'dry-run')[0];
  assert.match(String(dry.change), /^tenant acme: \d+ rpm, burst \d+; tenant beta: \d+ rpm, burst \d+$/);
  assert.equal(kinds(sink, 'proposal').length + kinds(sink, 'canary').length, 0);
  for (const p of await Promise.all(fleet.urls.map(adminPolicy)))
    assert.deepEqual([p.version, p.hash, p.canary], [1, contentHash(policy), null]);
});

test('a gateway that is down is reported and converged once it is back', async () => {
  const policy = testPolicy(mock.url);
  const up = await startGateway(policy, 'retry_a');
  const upUrl = `http://127.0.0.1:${(up.server.address() as { port: number }).port}`;
  const downPort = await freePort();
  const downUrl = `http://127.0.0.1:${downPort}`;
  const actuator = new GatewayAdminActuator({
    gateways: [upUrl, downUrl],
    adminToken: ADMIN_TOKEN,
    now: Date.now,
  });
  assert.equal(await actuator.refresh(), true);
  assert.deepEqual(
    actuator.lastRefreshProblems.map((p) => p.url),
    [downUrl],
  );
  const next = structuredClone(policy);
  next.tenants.beta.limits = [{ rpm: 300 }];
  actuator.applyPolicy(next);
  const first = await actuator.flush();
  assert.deepEqual(first.sent, [`${upUrl} PUT /admin/policy`]);
  assert.deepEqual(
    first.problems.map((p) => p.url),
    [downUrl],
  );
  assert.deepEqual(first.pending, [downUrl]);
  await startGateway(policy, 'retry_b', downPort);
  const second = await actuator.flush();
  assert.deepEqual(second.sent, [`${downUrl} PUT /admin/policy`]);
  assert.deepEqual(second.pending, []);
  for (const url of [upUrl, downUrl]) {
    const p = await adminPolicy(url);
    assert.deepEqual([p.version, p.hash], [2, contentHash(next)]);
  }
});

test('leader lock: one holder; renew and release only by the holder; a standby takes over after the ttl', async () => {
  const client = new Redis(redis.url);
  closers.push(async () => client.disconnect());
  let t = 0;
  const lock = (id: string) =>
    new LeaderLock({ redis: client, id, key: 'sluice:test:lock', ttlMs: 300, now: () => t });
  const one = lock('one');
  const two = lock('two');
  assert.equal(await one.tick(), 'acquired');
  assert.equal(await two.tick(), 'standby');
  assert.equal(await one.tick(), 'renewed');
  assert.equal(await one.holder(), 'one');
  await two.release(); // not the holder: deletes nothing
  assert.equal(await one.holder(), 'one');
  // 'one' stops renewing (dies): its local lease lapses at ttl - safety = 240 ms...
  t = 250;
  assert.equal(one.isLeader(), false);
  // ...and Redis expires the key at 300 ms (real time), when the standby takes over.
  await until('key expired', 2000, async () => (await two.tick()) === 'acquired');
  assert.equal(two.isLeader(), true);
  assert.equal(await one.tick(), 'standby');
  await two.release();
  assert.equal(await two.holder(), null);
});
