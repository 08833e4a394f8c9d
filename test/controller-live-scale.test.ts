/**
 * Scale-ahead exported from the live controller (a gateway owns no instances): a real webhook
 * receiver on loopback (node:http) and the controller's own /metrics server.
 * - setDesiredInstances / releaseScaleDown become gauges and one webhook POST per changed
 *   backend state, level-based: a refused POST is sent again at the next flush, an unchanged
 *   state is not sent at all;
 * - buildLiveController serves the gauges on its metrics port, fed through the admin actuator.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fetch } from 'undici';
import type { GatewayAdminActuator } from '../controller/live/gateway-admin-actuator.js';
import { buildLiveController } from '../controller/live/live-setup.js';
import { ScaleExport } from '../controller/live/scale-export.js';
import { MemoryAuditSink } from '../controller/rollout/audit-log.js';

/** A webhook that records each JSON body and answers the next scripted status (default 200). */
const received: unknown[] = [];
const script: number[] = [];
const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    received.push(JSON.parse(Buffer.concat(parts).toString('utf8')));
    res.writeHead(script.shift() ?? 200).end();
  });
});
let webhook = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scale`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('ScaleExport: gauges, and one webhook POST per changed backend state until acknowledged', async () => {
  received.length = 0;
  const scale = new ScaleExport({ controllerId: 'ctl-1', webhook, now: () => 1_000 });
  scale.setDesiredInstances('primary', 3);
  scale.releaseScaleDown('primary', 2);
  scale.setDesiredInstances('secondary', 1);
  assert.deepEqual(scale.pending(), ['primary', 'secondary']);
  let r = await scale.flush();
  assert.deepEqual(r.problems, []);
  assert.deepEqual(received, [
    { controller: 'ctl-1', time: 1_000, backend: 'primary', desiredInstances: 3, scaleDownFloor: 2 },
    { controller: 'ctl-1', time: 1_000, backend: 'secondary', desiredInstances: 1, scaleDownFloor: null },
  ]);
  let text = await scale.registry.metrics();
  assert.match(text, /^sluice_desired_replicas\{backend="primary"\} 3$/m);
  assert.match(text, /^sluice_scale_down_floor\{backend="primary"\} 2$/m);
  assert.doesNotMatch(text, /sluice_scale_down_floor\{backend="secondary"\}/);

  // Unchanged: nothing to send.
  scale.setDesiredInstances('primary', 3);
  assert.deepEqual(scale.pending(), []);
  assert.deepEqual((await scale.flush()).sent, []);

  // The override ends; the webhook refuses once, so the state is sent again at the next flush.
  scale.releaseScaleDown('primary', null);
  script.push(503);
  r = await scale.flush();
  assert.deepEqual(
    r.problems.map((p) => [p.step, p.error]),
    [['scale-webhook', 'HTTP 503']],
  );
  assert.deepEqual(scale.pending(), ['primary']);
  r = await scale.flush();
  assert.deepEqual([r.sent.length, r.problems.length, scale.pending()], [1, 0, []]);
  assert.deepEqual(received.slice(2), [
    { controller: 'ctl-1', time: 1_000, backend: 'primary', desiredInstances: 3, scaleDownFloor: null },
    { controller: 'ctl-1', time: 1_000, backend: 'primary', desiredInstances: 3, scaleDownFloor: null },
  ]);
  text = await scale.registry.metrics();
  assert.doesNotMatch(text, /sluice_scale_down_floor\{backend="primary"\}/);
  assert.deepEqual(scale.state('primary'), { desiredInstances: 3, scaleDownFloor: null });
});

test('buildLiveController: scaling through the admin actuator reaches /metrics and the webhook', async () => {
  received.length = 0;
  const setup = buildLiveController({
    id: 'ctl-scale',
    // Never called here: no tick runs within a 60 s interval.
    gateways: ['http://127.0.0.1:9'],
    adminToken: 'unused',
    influx: { url: 'http://127.0.0.1:9' },
    redis: null,
    intervalMs: 60_000,
    audit: new MemoryAuditSink().sink,
    scale: { webhook, metricsPort: 0 },
    now: () => 5_000,
  });
  await setup.start();
  try {
    const actuator: GatewayAdminActuator = setup.actuator;
    actuator.setDesiredInstances('primary', 4);
    actuator.releaseScaleDown('primary', 3);
    const report = await actuator.flush();
    assert.deepEqual(report.sent, [`${webhook} POST scale primary`]);
    assert.deepEqual(received, [
      { controller: 'ctl-scale', time: 5_000, backend: 'primary', desiredInstances: 4, scaleDownFloor: 3 },
    ]);
    const url = setup.metricsUrl();
    assert.ok(url !== null);
    const res = await fetch(`${url}/metrics`);
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.match(text, /^sluice_desired_replicas\{backend="primary"\} 4$/m);
    assert.match(text, /^sluice_scale_down_floor\{backend="primary"\} 3$/m);
  } finally {
    await setup.close();
  }
  assert.equal(setup.metricsUrl(), null);
});
