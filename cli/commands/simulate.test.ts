import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import yargs from 'yargs';
import { simulateCommand } from './simulate.js';

async function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const w = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    await yargs(args)
      .command(simulateCommand)
      .strict()
      .fail((msg, error) => {
        throw error ?? new Error(msg);
      })
      .parseAsync();
  } finally {
    process.stdout.write = w;
    process.stderr.write = e;
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
    run(['simulate', '--scenario', 'steady', '--telemetry', 'influx://x:8086/db']),
    /JSONL/,
  );
  await assert.rejects(run(['simulate', '--scenario', 'steady', '--duration', 'forever']), /--duration/);
});
