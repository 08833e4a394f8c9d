/**
 * Observability end to end: interval records reach a real InfluxDB, /metrics carries the sluice_*
 * series, the audit log file gets every policy change, and a dead InfluxDB costs requests nothing
 * (records are dropped and counted).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InfluxDB } from 'influx';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { ADMIN_TOKEN, chatBody, KEYS, testPolicy } from './harness/policies.js';
import { freePort, type InfluxService, startInflux } from './harness/services.js';

let influx: InfluxService;
let mock: MockOpenAI;
let dir: string;

before(async () => {
  influx = await startInflux();
  mock = await startMockOpenAI();
  dir = await mkdtemp(join(tmpdir(), 'sluice-gw-telemetry-'));
});
after(async () => {
  await mock.close();
  await influx.stop();
  await rm(dir, { recursive: true, force: true });
});

test('records reach InfluxDB, /metrics has sluice_* series, the audit log has every change', async () => {
  const p = testPolicy(mock.url);
  p.tenants.beta.limits = [{ rpm: 2 }];
  const auditFile = join(dir, 'audit.jsonl');
  const g = await buildGateway({
    policy: p,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    influx: { url: influx.url, database: 'sluice_e2e' },
    auditFile,
    telemetryIntervalMs: 200,
  });
  for (let i = 0; i < 6; i++) {
    await g.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${KEYS.acme}` },
      payload: chatBody(),
    });
  }
  const beta = [];
  for (let i = 0; i < 4; i++) {
    beta.push(
      await g.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${KEYS.beta}` },
        payload: chatBody(),
      }),
    );
  }
  assert.deepEqual(
    beta.map((r) => r.statusCode),
    [200, 200, 429, 429],
  );
  const next = structuredClone(p);
  next.description = 'changed';
  await g.inject({
    method: 'PUT',
    url: '/admin/policy',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: next,
  });

  const metrics = (await g.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(
    metrics,
    /sluice_requests_total\{outcome="completed",tenant="acme",model="gpt-test",arm="control"\} 6/,
  );
  assert.match(
    metrics,
    /sluice_requests_total\{outcome="rejected",tenant="beta",model="gpt-test",arm="control"\} 2/,
  );
  assert.match(metrics, /sluice_latency_ms_count\{model="gpt-test",arm="control"\} 8/);
  assert.match(metrics, /sluice_policy_version 2/);
  assert.match(metrics, /sluice_queue_depth\{backend="primary"\} 0/);
  assert.match(metrics, /sluice_backend_saturation\{backend="primary"\} 0/);

  await g.close(); // flushes the open interval and the InfluxDB buffer
  const db = new InfluxDB({ host: '127.0.0.1', port: influx.port, database: 'sluice_e2e' });
  const rows = await db.query<{
    tenant: string;
    arrived: number;
    completed: number;
    rejected: number;
    outputTokens: number;
  }>(
    'SELECT sum("arrived") AS "arrived", sum("completed") AS "completed", sum("rejected") AS "rejected", sum("outputTokens") AS "outputTokens" FROM "sluice_interval" GROUP BY "tenant"',
  );
  const byTenant = Object.fromEntries(
    rows.map((r) => [r.tenant, [r.arrived, r.completed, r.rejected, r.outputTokens]]),
  );
  assert.deepEqual(byTenant.acme, [6, 6, 0, 72]);
  assert.deepEqual(byTenant.beta, [4, 2, 2, 24]);
  assert.equal(g.sluice.influx?.dropped, 0);

  const audit = (await readFile(auditFile, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; version: number; details: string[] });
  assert.deepEqual(
    audit.map((a) => `${a.action}:${a.version}`),
    ['apply:1', 'apply:2'],
  );
  assert.deepEqual(audit[1].details, ['+ description: "changed"']);
});

test('a dead InfluxDB never fails a request: records are dropped and counted', async () => {
  const g = await buildGateway({
    policy: testPolicy(mock.url),
    logLevel: 'silent',
    influx: { url: `http://127.0.0.1:${await freePort()}` },
    telemetryIntervalMs: 100,
  });
  for (let i = 0; i < 5; i++) {
    const r = await g.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${KEYS.acme}` },
      payload: chatBody(),
    });
    assert.equal(r.statusCode, 200);
  }
  await g.close();
  assert.equal(g.sluice.influx?.written, 0);
  assert.ok((g.sluice.influx?.dropped ?? 0) >= 1);
});
