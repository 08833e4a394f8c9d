import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parsePolicyText } from './load.js';
import { validatePolicy } from './validate.js';

/** The repository root, from the source tree or from dist/. */
function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, rel);
}

function parseExample(name: string): unknown {
  const file = repoFile(`examples/${name}`);
  return parsePolicyText(readFileSync(file, 'utf8'), file).doc;
}

/** A small valid document to break one field at a time. */
function minimal(): Record<string, unknown> {
  return {
    apiVersion: 'sluice/v1',
    tiers: { free: { sloMs: 5000 }, premium: { sloMs: 1000 } },
    models: {
      'gpt-4o': { inputPricePerMTok: 2.5, outputPricePerMTok: 10, backends: ['openai'] },
      mini: { inputPricePerMTok: 0.15, outputPricePerMTok: 0.6, backends: ['openai', 'vllm'] },
    },
    backends: { openai: { instances: [{ id: 'o1' }] }, vllm: { instances: [{ id: 'v1' }] } },
    tenants: { acme: { tier: 'premium', keys: { k1: { key: 'sk-acme-000001' } } } },
  };
}

function errorsOf(doc: unknown): string[] {
  const r = validatePolicy(doc);
  return r.ok ? [] : r.errors;
}

test('the example policy is valid', () => {
  const r = validatePolicy(parseExample('policy.yaml'));
  assert.deepEqual(r.ok ? [] : r.errors, []);
  assert.equal(r.ok, true);
});

test('the deliberately broken policy yields exactly these errors, in document order', () => {
  assert.deepEqual(errorsOf(parseExample('bad-policy.yaml')), [
    'apiVersion: must be "sluice/v1", got "sluice/v2"',
    'tiers.premium.sloMs: must be a positive number, got -100',
    'models.gpt-4o.backends[1]: unknown backend "azure-eu" (defined: openai, vllm)',
    'models.gpt-4o.cheaper: unknown model "gpt-5" (defined: gpt-4o, llama)',
    'models.llama.outputPricePerMTok: is required',
    'backends.openai.instances[0].wieght: unknown field "wieght"; did you mean "weight"? (allowed: id, url, weight)',
    'backends.openai.balancer: must be one of "round-robin", "weighted-round-robin", "least-connections", "least-response-time", "power-of-two", got "random"',
    'backends.vllm.instances[0].id: duplicate instance id "a" (also backends.openai.instances[0].id)',
    'backends.vllm.queue.weights.gold: unknown tier "gold" (defined: free, premium)',
    'defaults.deadline: must be longer than zero, got "0s"',
    'defaults.allowedModels[1]: unknown model "gpt-4" (defined: gpt-4o, llama)',
    'tenants.acme.tier: unknown tier "gold" (defined: free, premium)',
    'tenants.acme.budget.downgradeTo: unknown model "gpt-5" (defined: gpt-4o, llama)',
    'tenants.acme.limits[0].rpm: must be a positive integer, got -5',
    'tenants.acme.limits[1]: give exactly one of rpm, tpm or limit+period',
    'tenants.acme.limits[2].period: must be a duration (seconds as a number, or a string like "500ms", "10s", "1m", "2h", "1d"), got "5 minutes"',
    'tenants.acme.limits[3]: duplicate limit id "requests:apiKey" (also tenants.acme.limits[0])',
    'tenants.acme.limits[3].burst: applies only to token-bucket and leaky-bucket, got algorithm "fixed-window"',
    'tenants.acme.keys.both: give exactly one of key (plaintext) or hash (sha256:<hex>)',
    'tenants.beta.budget.downgradeTo: is used only when action is "downgrade", got no action (default "reject")',
    'tenants.beta.keys.prod: key name "prod" is also used by tenants.acme.keys.prod (key names must be unique: limits and telemetry name keys by it)',
    'tenants.beta.keys.prod: same API key as tenants.acme.keys.prod (keys must be unique)',
    'tenants.beta.modelOverrides.gpt-5: unknown model "gpt-5" (defined: gpt-4o, llama)',
    'routing.rules[0].when: promptTokensAbove (1000) must be below promptTokensAtMost (500), or no request matches',
    'routing.rules[0].when.tier[0]: unknown tier "platinum" (defined: free, premium)',
    'routing.rules[0].model: unknown model "claude-3" (defined: gpt-4o, llama)',
    'routing.rules[1]: give model or backends (a rule that sets neither changes nothing)',
    'routing.fallbackOn[2]: must be one of "429", "5xx", "timeout", "open-circuit", got "503"',
  ]);
});

test('the minimal document is valid, and validation returns it unchanged', () => {
  const doc = minimal();
  const before = JSON.stringify(doc);
  const r = validatePolicy(doc);
  assert.equal(r.ok, true);
  assert.equal(r.ok && r.policy, doc);
  assert.equal(JSON.stringify(doc), before);
});

test('limit shapes: exactly one of rpm, tpm or limit+period, and units that fit', () => {
  const doc = minimal();
  doc.defaults = {
    limits: [
      { rpm: 10, unit: 'input-tokens' },
      { tpm: 1000, unit: 'requests', by: ['tenant'] },
      { limit: 5, by: ['user'] },
      { period: '1m', by: ['ip'] },
      { by: ['model'] },
      { limit: 5, period: 1.5, by: ['global'], algorithm: 'leaky-bucket', burst: 2 },
    ],
  };
  assert.deepEqual(errorsOf(doc), [
    'defaults.limits[0].unit: rpm counts requests, got "input-tokens" (use tpm or limit+period for tokens)',
    'defaults.limits[1].unit: tpm counts tokens, got "requests" (use rpm or limit+period for requests)',
    'defaults.limits[2]: limit needs a period (give both)',
    'defaults.limits[3]: period needs a limit (give both)',
    'defaults.limits[4]: give exactly one of rpm, tpm or limit+period',
  ]);
});

test('type errors say what was expected and what was found', () => {
  const doc = minimal();
  doc.tiers = { free: { sloMs: '5s', priority: 1.5, weight: 0 }, premium: 'fast' };
  doc.defaults = { cache: 'yes', concurrency: 0, maxOutputTokens: 10.5, limits: { rpm: 1 } };
  assert.deepEqual(errorsOf(doc), [
    'tiers.free.sloMs: must be a positive number, got "5s"',
    'tiers.free.priority: must be an integer >= 0, got 1.5',
    'tiers.free.weight: must be a positive number, got 0',
    'tiers.premium: must be a mapping (object), got "fast"',
    'defaults.cache: must be true or false, got "yes"',
    'defaults.concurrency: must be a positive integer, got 0',
    'defaults.maxOutputTokens: must be a positive integer, got 10.5',
    'defaults.limits: must be a list, got {"rpm":1}',
  ]);
});

test('unknown fields list the allowed ones; a near miss gets a suggestion; numbers that must be strings', () => {
  const doc = minimal();
  doc.cahce = { enabled: true };
  doc.routing = { rules: [], retries: 2, fallbackOn: [429, '5xx'] };
  assert.deepEqual(errorsOf(doc), [
    'cahce: unknown field "cahce"; did you mean "cache"? (allowed: apiVersion, description, tiers, models, backends, defaults, tenants, modelOverrides, routing, cache, telemetry)',
    'routing.retries: unknown field "retries" (allowed: rules, fallbackOn, maxAttempts)',
    'routing.fallbackOn[0]: must be one of "429", "5xx", "timeout", "open-circuit", got 429 (quote it: "429")',
  ]);
});

test('missing sections and a document that is not a mapping', () => {
  assert.deepEqual(errorsOf({ apiVersion: 'sluice/v1' }), [
    'tiers: is required',
    'models: is required',
    'backends: is required',
    'tenants: is required',
  ]);
  assert.deepEqual(errorsOf(null), ['(document): must be a mapping (object), got null']);
  assert.deepEqual(errorsOf([1]), ['(document): must be a mapping (object), got [1]']);
});

test('keys: a plaintext key and a hash of the same key collide; names must be names', () => {
  const doc = minimal();
  const sha = 'sha256:e8e6b4a0d53a9a7e1b3e2e4a8f71c83ef2fb3ad2f0b5e1b8f8a4d9d3a4e4cb5f';
  doc.tenants = {
    acme: {
      tier: 'premium',
      keys: {
        k1: { key: 'sk-acme-000001' },
        // sha256 of 'sk-acme-000001':
        k2: { hash: 'sha256:d6e00549dcfcca639431fe117b3a075f481288e77adcf871ab1ee68e26487ca9' },
        'k 3': { hash: sha },
      },
    },
    'globex corp': { tier: 'free', keys: { k4: { hash: 'sha256:ABC' } } },
  };
  const errors = errorsOf(doc);
  assert.deepEqual(errors, [
    'tenants.acme.keys.k2: same API key as tenants.acme.keys.k1 (keys must be unique)',
    'tenants.acme.keys["k 3"]: name must start with a letter or digit and use only letters, digits and _.:/- (at most 128 characters), got "k 3"',
    'tenants["globex corp"]: name must start with a letter or digit and use only letters, digits and _.:/- (at most 128 characters), got "globex corp"',
    'tenants["globex corp"].keys.k4.hash: must be "sha256:" followed by 64 lowercase hex digits, got "sha256:ABC"',
  ]);
});

test('property: any JSON value validates without throwing, and every error reads `path: reason`', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const r = validatePolicy(value);
      if (!r.ok) {
        assert.ok(r.errors.length > 0);
        for (const e of r.errors) assert.match(e, /^\S[^\n]*: [^\n]+$/);
      }
    }),
    { numRuns: 200, seed: 7 },
  );
});

test('property: the example with any one value replaced still validates without throwing', () => {
  const example = parseExample('policy.yaml');
  const paths: (string | number)[][] = [];
  const collect = (v: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) collect(v[i], [...path, i]);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) collect(x, [...path, k]);
    }
  };
  collect(example, []);
  fc.assert(
    fc.property(fc.nat(paths.length - 1), fc.jsonValue({ maxDepth: 2 }), (i, replacement) => {
      const doc = structuredClone(example) as Record<string | number, unknown>;
      const path = paths[i];
      if (path.length === 0) return;
      let parent: Record<string | number, unknown> = doc;
      for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
      parent[path[path.length - 1]] = replacement;
      const r = validatePolicy(doc);
      if (!r.ok) for (const e of r.errors) assert.match(e, /^\S[^\n]*: [^\n]+$/);
    }),
    { numRuns: 300, seed: 11 },
  );
});
