import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InfluxDB } from 'influx';
import yargs from 'yargs';
import { startInflux } from '../../test/harness/services.js';
import { simulateCommand, simulateOutput } from './simulate.js';

async function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = { ...simulateOutput };
  simulateOutput.out = (t) => {
    out += t;
  };
  simulateOutput.err = (t) => {
    err += t;
  };
  simulateOutput.isTTY = () => false;
  try {
    await yargs(args)
      .command(simulateCommand)
      .strict()
      .fail((msg, error) => {
        throw error ?? new Error(msg);
      })
      .parseAsync();
  } finally {
    Object.assign(simulateOutput, saved);
  }
  return { out, err };
}

test('simulate prints the tables, writes the summary JSON and JSONL telemetry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sim-'));
  const json = join(dir, 'summary.json');
  const tele = join(dir, 'telemetry.jsonl');
  const { out, err } = await run([
    'simulate',
    '--scenario',
    'cost-overrun',
    '--duration',
    '2m',
    '--seed',
    '7',
    '--json',
    json,
    '--telemetry',
    tele,
  ]);
  const s = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(s.scenario, 'cost-overrun');
  assert.equal(s.seed, 7);
  assert.equal(s.simulatedSeconds, 120);
  assert.ok(s.wallSeconds > 0);
  assert.match(out, /tier free/);
  assert.match(out, /tenant copyco/);
  assert.match(err, /100% \(120 of 120 simulated s/);
  const lines = readFileSync(tele, 'utf8').trim().split('\n');
  assert.ok(lines.length >= 12);
  const rec = JSON.parse(lines[0]);
  assert.equal(rec.intervalMs, 10_000);
  assert.ok('tenant' in rec && 'latencyHistogram' in rec);
});

test('--set reaches the scenario; a bad option is a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sim-'));
  const json = join(dir, 's.json');
  await run([
    'simulate',
    '--scenario',
    'mmc',
    '--set',
    'servers=3',
    '--set',
    'arrivalRate=2.4',
    '--duration',
    '10m',
    '--json',
    json,
    '--no-progress',
  ]);
  const s = JSON.parse(readFileSync(json, 'utf8'));
  assert.ok(Math.abs(s.requests / 600 - 2.4) < 0.2);
  await assert.rejects(
    run(['simulate', '--scenario', 'steady', '--policy', '/nonexistent/policy.yaml']),
    /nonexistent/,
  );
  await assert.rejects(
    run(['simulate', '--scenario', 'steady', '--telemetry', 'out.csv']),
    /FILE\.jsonl or influx:/,
  );
  await assert.rejects(run(['simulate', '--scenario', 'steady', '--duration', 'forever']), /--duration/);
});

test('--telemetry influx://host:port/db writes the interval records to a real InfluxDB', async () => {
  const influx = await startInflux();
  try {
    const { err } = await run([
      'simulate',
      '--scenario',
      'steady',
      '--duration',
      '1m',
      '--no-progress',
      '--telemetry',
      `influx://127.0.0.1:${influx.port}/simtest`,
    ]);
    const m = /(\d+) telemetry records written/.exec(err);
    assert.ok(m !== null && Number(m[1]) > 0, err);
    const db = new InfluxDB({ host: '127.0.0.1', port: influx.port, database: 'simtest' });
    const rows = await db.query<{ count: number }>('SELECT count(arrived) AS count FROM sluice_interval');
    assert.equal(rows[0].count, Number(m?.[1]));
    const sum = await db.query<{ s: number }>('SELECT sum(arrived) AS s FROM sluice_interval');
    assert.ok(Math.abs(sum[0].s / 60 - 100) < 10, `arrived ${sum[0].s} in a minute at 100 req/s`);
  } finally {
    await influx.stop();
  }
});

test('--controller-param values are typed and a bad pair is a clear error', async () => {
  const { parseControllerParams } = await import('./simulate.js');
  assert.deepEqual(
    parseControllerParams(['forecaster=neural', 'perInstanceRps=12.5', 'canarySplit=requestId', 'dry=true']),
    {
      forecaster: 'neural',
      perInstanceRps: 12.5,
      canarySplit: 'requestId',
      dry: true,
    },
  );
  assert.throws(() => parseControllerParams(['forecaster']), /expected key=value/);
});
