import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSluiceError } from '../gateway-core/errors.js';
import { parseDuration, parseSpec } from './spec.js';

const GOOD = `
name: flash-sale
scenario: flash-sale
duration: 30m
seeds: 5
baseline: static
arms:
  - {name: static, mode: static}
  - {name: adaptive, mode: adaptive, params: {canaryFraction: 0.1}}
  - {name: tuned, policy: policies/tuned.yaml}
grid:
  scaleAheadMinutes: [2, 5]
metrics: [latencyMs.p99, costUsd, {name: custom.score, better: higher}]
`;

test('a valid spec parses with defaults filled in', () => {
  const spec = parseSpec(GOOD, { baseDir: '/specs' });
  assert.equal(spec.name, 'flash-sale');
  assert.equal(spec.durationSeconds, 1800);
  assert.equal(spec.intervalSeconds, 10);
  assert.deepEqual(spec.seeds, [1, 2, 3, 4, 5]);
  assert.deepEqual(
    spec.arms.map((a) => [a.name, a.mode, a.policy]),
    [
      ['static', 'static', null],
      ['adaptive', 'adaptive', null],
      ['tuned', null, '/specs/policies/tuned.yaml'],
    ],
  );
  assert.deepEqual(spec.arms[1].params, { canaryFraction: 0.1 });
  assert.deepEqual(spec.grid, { scaleAheadMinutes: [2, 5] });
  assert.deepEqual(spec.metrics, [
    { name: 'latencyMs.p99', better: 'lower' },
    { name: 'costUsd', better: 'lower' },
    { name: 'custom.score', better: 'higher' },
  ]);
  assert.equal(spec.runner, 'simulator');
});

test('errors name the path and the fix', () => {
  const bad = GOOD.replace('mode: adaptive,', 'mode: adaptiv,')
    .replace('baseline: static', 'baseline: statc')
    .replace('seeds: 5', 'seeds: [1, 1.5]')
    .replace('duration: 30m', 'duration: soon\nsedes: 3');
  try {
    parseSpec(bad);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(isSluiceError(e));
    assert.equal(e.code, 'SLUICE_CONFIG_INVALID');
    assert.deepEqual(e.details, [
      'sedes: unknown field (did you mean "seeds"?) (allowed: name, description, scenario, trace, duration, interval, seeds, arms, grid, metrics, baseline, runner)',
      'duration: expected seconds or a duration like 30m, 2h (got "soon")',
      'seeds[1]: expected a non-negative integer (got 1.5)',
      'arms[1].mode: unknown mode "adaptiv" (expected one of static, reactive, gradient2, adaptive)',
      'baseline: no arm named "statc" (did you mean "static"?) (arms: static, adaptive, tuned)',
    ]);
  }
});

test('missing pieces are each reported', () => {
  try {
    parseSpec('name: x\narms: [{name: a, mode: static}]\nmetrics: [mystery]');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(isSluiceError(e));
    assert.deepEqual(e.details, [
      'scenario: required: a scenario name (scenario: flash-sale) or a trace (trace: {file: x.csv})',
      'duration: expected seconds or a duration like 30m, 2h (got undefined)',
      'seeds: expected a count >= 2 (seeds: 10) or a list of at least 2 integers (paired tests need pairs)',
      'arms: expected a list of at least 2 arms (e.g. - {name: static, mode: static})',
      'metrics[0]: unknown metric "mystery": say which way is better ({name: mystery, better: lower})',
      'baseline: required: the name of one arm (one of the arms)',
    ]);
  }
});

test('durations', () => {
  assert.equal(parseDuration('90'), 90);
  assert.equal(parseDuration('500ms'), 0.5);
  assert.equal(parseDuration('2h'), 7200);
  assert.equal(parseDuration(45), 45);
  assert.equal(parseDuration('0s'), null);
  assert.equal(parseDuration('fast'), null);
});

test('a trace replay resolves its file against the spec folder and may name the scenario it runs on', () => {
  const spec = parseSpec(
    GOOD.replace('scenario: flash-sale', 'scenario: steady\ntrace: {file: ../data/t.csv, speedup: 60}'),
    { baseDir: '/x/specs' },
  );
  assert.equal(spec.scenario, 'steady');
  assert.deepEqual(spec.trace, { file: '/x/data/t.csv', speedup: 60, scale: 1 });
});
