import { editDistance } from '../../gateway-core/nearest-name.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadScenario, scenarioFromObject } from './scenario-loader.js';
import { applyOverride, parseOverrideValue } from './overrides.js';
import { substituteParameters } from './parameters.js';

test('every shipped scenario loads and validates', () => {
  for (const name of [
    'steady',
    'mmc',
    'cost-overrun',
    'flash-sale',
    'multi-tenant',
    'trending',
    'chat-replay',
  ]) {
    const s = loadScenario(name);
    assert.equal(s.name, name);
    assert.equal(s.durationMs, 3_600_000);
    assert.ok(s.streams.length >= 1);
  }
});

test('--set parses numbers, booleans and JSON, and creates missing paths', () => {
  assert.equal(parseOverrideValue('42'), 42);
  assert.equal(parseOverrideValue('false'), false);
  assert.deepEqual(parseOverrideValue('[1,2]'), [1, 2]);
  assert.equal(parseOverrideValue('1h'), '1h');
  const root: Record<string, unknown> = { a: { b: [{ c: 1 }] }, parameters: { servers: 2 } };
  applyOverride(root, 'a.b.0.c=5');
  applyOverride(root, 'x.y=true');
  applyOverride(root, 'servers=4');
  assert.deepEqual(root, { a: { b: [{ c: 5 }] }, x: { y: true }, parameters: { servers: 4 } });
  assert.throws(() => applyOverride(root, 'novalue'), /expected path=value/);
});

test('parameters substitute whole values and expressions', () => {
  const out = substituteParameters(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the scenario parameter syntax under test
    { n: '${servers}', mean: '${1000 / (rate * 2)}ms', parameters: { servers: 3 } },
    { servers: 3, rate: 5 },
    'x',
  );
  assert.deepEqual(out, { n: 3, mean: '100ms', parameters: { servers: 3 } });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the scenario parameter syntax under test
  assert.throws(() => substituteParameters('${nope}', { a: 1 }, 'x'), /unknown parameter "nope"/);
});

test('mmc resizes with --set: servers, rates', () => {
  const s = loadScenario('mmc', ['servers=4', 'arrivalRate=3.2', 'serviceRate=2']);
  assert.equal(s.policy.backends.servers.instances.length, 4);
  assert.deepEqual(s.streams[0].arrivals, { process: 'poisson', rate: 3.2 });
  assert.deepEqual(s.backends.servers, {
    kind: 'station',
    distribution: 'exponential',
    meanMs: 500,
    sigma: undefined,
  });
});

test('validation errors name every problem with its path', () => {
  const base = loadScenario('steady');
  const raw = {
    name: 'bad',
    duration: 'soon',
    policy: structuredClone(base.policy),
    workload: { arrivals: { process: 'sometimes' }, tenants: { nobody: { weight: 1 } } },
    backends: { provider: { kind: 'gpu' }, extra: { kind: 'api' } },
    faults: [{ kind: 'meteor', pool: 'nowhere', at: 1, duration: 1 }],
  };
  assert.throws(
    () => scenarioFromObject(raw, 'bad.yaml'),
    (e: Error & { details?: string[] }) => {
      const text = (e.details ?? []).join('\n');
      for (const want of [
        /^duration: must be a duration/m,
        /^workload\.arrivals\.process: must be one of poisson/m,
        /^workload\.tenants\.nobody: is not a tenant of the policy/m,
        /^backends\.provider\.kind: must be llm, api or station/m,
        /^backends\.extra: is not a backend of the policy/m,
        /^faults\[0\]\.kind: must be slowdown, errors, crash or outage/m,
        /^faults\[0\]\.pool: must name a backend pool/m,
      ])
        assert.match(text, want);
      return true;
    },
  );
  const badPolicy = {
    policy: {
      apiVersion: 'sluice/v1',
      tiers: {},
      models: {},
      backends: {},
      tenants: { t: { tier: 'none' } },
    },
  };
  assert.throws(() => scenarioFromObject(badPolicy, 'p.yaml'), /the policy is invalid/);
  assert.throws(() => loadScenario('no-such-scenario'), /no shipped scenario of that name/);
});

test('prompts.trending: durations in ms, parameters substituted, problems named with their path', () => {
  const s = loadScenario('trending', ['share=0.3']);
  assert.deepEqual(s.streams[0].prompts?.trending, {
    topics: 8,
    everyMs: 240_000,
    riseMs: 120_000,
    holdMs: 240_000,
    fallMs: 180_000,
    share: 0.3,
    offsetMs: 0,
    output: { median: 500, sigma: 0.3, min: 1, max: 1500 },
  });
  assert.throws(
    () =>
      loadScenario('trending', [
        'workload.prompts.trending.share=2',
        'workload.prompts.trending.every=never',
        'workload.prompts.trending.topics=1.5',
      ]),
    (e: Error & { details?: string[] }) => {
      const text = (e.details ?? []).join('\n');
      for (const want of [
        /^workload\.prompts\.trending\.share: must be <= 1/m,
        /^workload\.prompts\.trending\.every: must be a duration/m,
        /^workload\.prompts\.trending\.topics: must be an integer/m,
      ])
        assert.match(text, want);
      return true;
    },
  );
});

test('diurnal arrivals take a calendar: weekend, holidays, trendPerDay, levelShifts; problems named with their path', () => {
  const s = loadScenario('steady', [
    'duration=14d',
    'workload.arrivals={"process":"diurnal","mean":5,"weekend":0.5,"holidays":[3],"trendPerDay":0.01,"levelShifts":[{"at":"8d","factor":1.3}]}',
  ]);
  assert.deepEqual(s.streams[0].arrivals, {
    process: 'diurnal',
    mean: 5,
    amplitude: 0.5,
    periodMs: 86_400_000,
    peakAtMs: 43_200_000,
    calendar: {
      weekend: 0.5,
      holidays: [3],
      trendPerDay: 0.01,
      levelShifts: [{ atMs: 8 * 86_400_000, factor: 1.3 }],
    },
  });
  // Without calendar fields the spec is as before.
  assert.equal(
    'calendar' in
      loadScenario('steady', ['workload.arrivals={"process":"diurnal","mean":5}']).streams[0].arrivals,
    false,
  );
  assert.throws(
    () =>
      loadScenario('steady', [
        'workload.arrivals={"process":"diurnal","mean":5,"weekend":0,"holidays":"fridays","levelShifts":[{"at":"1d","factor":0}]}',
      ]),
    (e: Error & { details?: string[] }) => {
      const text = (e.details ?? []).join('\n');
      for (const want of [
        /^workload\.arrivals\.weekend: must be a number > 0, got 0$/m,
        /^workload\.arrivals\.holidays: must be a list/m,
        /^workload\.arrivals\.levelShifts\[0\]\.factor: must be a number > 0, got 0$/m,
      ])
        assert.match(text, want);
      return true;
    },
  );
});

test('a field no section reads is an error naming its path, the fields there and the likely fix', () => {
  const problems = (sets: string[]): string => {
    try {
      loadScenario('steady', sets);
    } catch (e) {
      return ((e as Error & { details?: string[] }).details ?? []).join('\n');
    }
    return '';
  };
  const misspelt = problems(['workload.arrivals={"process":"diurnal","mean":5,"holiday":[3]}']);
  assert.match(misspelt, /^workload\.arrivals\.holiday: is not a field here \(did you mean holidays\?\)/m);
  assert.match(misspelt, /the fields are process, mean, amplitude, period, peakAt, weekend, holidays/);
  // Far from every field: no guess, the list only; every level of the tree is checked.
  assert.match(
    problems(['workload.bogus=1']),
    /^workload\.bogus: is not a field here; the fields are name, /m,
  );
  assert.match(problems(['durration=5s']), /^durration: is not a field here \(did you mean duration\?\)/m);
  assert.match(
    problems(['workload.tokens.input.median2=3']),
    /^workload\.tokens\.input\.median2: .*did you mean median/m,
  );
  // A field of another process is not read by this one.
  assert.match(
    problems(['workload.arrivals={"process":"poisson","rate":5,"mean":3}']),
    /^workload\.arrivals\.mean: is not a field here; the fields are process, rate$/m,
  );
  assert.equal(editDistance('holiday', 'holidays'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});
