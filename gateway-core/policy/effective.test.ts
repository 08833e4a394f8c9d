import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mergeSettings, PolicyResolver } from './effective.js';
import { loadPolicyFile } from './load.js';
import type { NormalisedLimit } from './normalised-limit.js';

function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, rel);
}

const policy = loadPolicyFile(repoFile('examples/policy.yaml'));
const resolver = new PolicyResolver(policy);

/** A limit with the defaults every example limit shares. */
function limit(partial: Partial<NormalisedLimit> & Pick<NormalisedLimit, 'id' | 'limit'>): NormalisedLimit {
  return {
    algorithm: 'token-bucket',
    unit: 'requests',
    by: ['apiKey'],
    periodMs: 60_000,
    burst: partial.limit,
    onLimit: 'reject',
    failMode: 'open',
    ...partial,
  };
}

const DEFAULT_RPM = limit({ id: 'requests:apiKey', limit: 60 });
const DEFAULT_TPM = limit({ id: 'total-tokens:apiKey', unit: 'total-tokens', limit: 100_000 });
const ACME_TOKENS = limit({
  id: 'acme-tokens',
  algorithm: 'sliding-counter',
  unit: 'total-tokens',
  by: ['tenant'],
  limit: 2_000_000,
  failMode: 'closed',
});
const ACME_DAILY = limit({
  id: 'acme-daily-requests',
  algorithm: 'fixed-window',
  by: ['tenant'],
  limit: 500_000,
  periodMs: 86_400_000,
});
const GPT4O_UPSTREAM = limit({
  id: 'gpt-4o-upstream-tpm',
  unit: 'total-tokens',
  by: ['global'],
  limit: 800_000,
});
const ALL_MODELS = ['gpt-4o', 'gpt-4o-mini', 'llama-3.1-70b', 'llama-3.1-8b'];

test('identify: plaintext keys and sha256 hashes, tier and app from the key or its tenant', () => {
  assert.deepEqual(resolver.identify('sk-acme-prod-0001'), {
    tenant: 'acme',
    keyId: 'acme-prod',
    app: 'checkout-assistant',
    tier: 'enterprise',
  });
  assert.deepEqual(resolver.identify('sk-acme-batch-0002'), {
    tenant: 'acme',
    keyId: 'acme-batch',
    app: 'nightly-summaries',
    tier: 'premium',
  });
  assert.deepEqual(resolver.identify('sk-globex-ci-test-0002'), {
    tenant: 'globex',
    keyId: 'globex-ci',
    app: null,
    tier: 'free',
  });
  assert.equal(resolver.identify('sk-not-a-key'), null);
  assert.equal(resolver.identify(''), null);
  assert.deepEqual(resolver.keyIds(), [
    'acme-prod',
    'acme-batch',
    'acme-dev',
    'globex-web',
    'globex-ci',
    'hobbyist-main',
    'hobbyist-alt',
  ]);
  assert.equal(resolver.identityOf('hobbyist-alt')?.tenant, 'hobbyist');
  assert.equal(resolver.identityOf('nobody'), null);
});

test('the identity cache is bounded and answers stay right after eviction', () => {
  const small = new PolicyResolver(policy, { identityCacheSize: 2 });
  const keys = ['sk-acme-prod-0001', 'sk-hobbyist-main-0003', 'sk-bad-1', 'sk-acme-prod-0001', 'sk-bad-1'];
  for (let round = 0; round < 3; round++) {
    assert.deepEqual(
      keys.map((k) => small.identify(k)?.keyId ?? null),
      ['acme-prod', 'hobbyist-main', null, 'acme-prod', null],
    );
  }
});

test('acme-prod on gpt-4o: defaults -> tenant -> key -> model override -> tenant model override', () => {
  assert.deepEqual(resolver.effective('acme-prod', 'gpt-4o'), {
    // The tenant's rpm 600 replaced the default 60, then acme's gpt-4o override replaced it again.
    limits: [
      limit({ id: 'requests:apiKey', limit: 300 }),
      DEFAULT_TPM,
      ACME_TOKENS,
      ACME_DAILY,
      GPT4O_UPSTREAM,
    ],
    concurrency: 64,
    maxInputTokens: 120_000,
    maxOutputTokens: 8192,
    maxBodyBytes: 1_048_576,
    deadlineMs: 60_000,
    cache: true,
    allowedModels: ALL_MODELS,
  });
});

test('acme-prod on gpt-4o-mini: the tenant limit with its own burst, no model overrides', () => {
  assert.deepEqual(resolver.effective('acme-prod', 'gpt-4o-mini'), {
    limits: [limit({ id: 'requests:apiKey', limit: 600, burst: 100 }), DEFAULT_TPM, ACME_TOKENS, ACME_DAILY],
    concurrency: 64,
    maxInputTokens: 120_000,
    maxOutputTokens: 4096,
    maxBodyBytes: 1_048_576,
    deadlineMs: 30_000,
    cache: true,
    allowedModels: ALL_MODELS,
  });
});

test('acme-batch on llama-3.1-70b: key settings, then the global leaky-bucket shaper', () => {
  assert.deepEqual(resolver.effective('acme-batch', 'llama-3.1-70b'), {
    limits: [
      limit({ id: 'requests:apiKey', limit: 600, burst: 100 }),
      DEFAULT_TPM,
      ACME_TOKENS,
      ACME_DAILY,
      limit({
        id: 'acme-batch-output',
        unit: 'output-tokens',
        by: ['user'],
        limit: 5_000_000,
        periodMs: 3_600_000,
      }),
      limit({
        id: 'llama-70b-shaper',
        algorithm: 'leaky-bucket',
        by: ['model'],
        limit: 20,
        periodMs: 1000,
        burst: 40,
        onLimit: 'wait',
      }),
    ],
    concurrency: 64,
    maxInputTokens: 120_000,
    maxOutputTokens: 4096,
    maxBodyBytes: 1_048_576,
    deadlineMs: 300_000,
    cache: false,
    allowedModels: ALL_MODELS,
  });
});

test('globex-ci on gpt-4o: a sliding-log key limit replaces the tenant rpm', () => {
  assert.deepEqual(resolver.effective('globex-ci', 'gpt-4o'), {
    limits: [
      limit({ id: 'requests:apiKey', algorithm: 'sliding-log', limit: 10 }),
      DEFAULT_TPM,
      limit({ id: 'globex-input-tokens', unit: 'input-tokens', by: ['tenant', 'model'], limit: 400_000 }),
      GPT4O_UPSTREAM,
    ],
    concurrency: 8,
    maxInputTokens: 32_000,
    maxOutputTokens: 2048,
    maxBodyBytes: 1_048_576,
    deadlineMs: 60_000,
    cache: true,
    allowedModels: ['gpt-4o', 'gpt-4o-mini', 'llama-3.1-8b'],
  });
});

test('hobbyist-alt on a model the policy does not know: defaults, tenant and key only', () => {
  const s = resolver.effective('hobbyist-alt', 'no-such-model');
  assert.deepEqual(s, {
    limits: [DEFAULT_RPM, DEFAULT_TPM, limit({ id: 'hobbyist-per-ip', by: ['ip'], limit: 20 })],
    concurrency: 8,
    maxInputTokens: 32_000,
    maxOutputTokens: 512,
    maxBodyBytes: 1_048_576,
    deadlineMs: 30_000,
    cache: true,
    allowedModels: ['gpt-4o-mini', 'llama-3.1-8b'],
  });
  // Unknown model names share one cached entry.
  assert.equal(resolver.effective('hobbyist-alt', 'another-unknown'), s);
});

test('effective settings are computed once per (key, model) and frozen', () => {
  const a = resolver.effective('acme-dev', 'gpt-4o');
  assert.equal(resolver.effective('acme-dev', 'gpt-4o'), a);
  assert.notEqual(resolver.effective('acme-dev', 'gpt-4o-mini'), a);
  assert.equal(Object.isFrozen(a), true);
  assert.equal(Object.isFrozen(a.limits), true);
  assert.equal(Object.isFrozen(a.limits[0]), true);
  assert.equal(a.concurrency, 4);
  assert.throws(() => resolver.effective('nobody', 'gpt-4o'), { code: 'SLUICE_UNAUTHORIZED' });
});

test('built-in defaults when no level sets anything', () => {
  assert.deepEqual(mergeSettings([undefined, {}]), {
    limits: [],
    concurrency: null,
    maxInputTokens: 128_000,
    maxOutputTokens: 4096,
    maxBodyBytes: 4_194_304,
    deadlineMs: 30_000,
    cache: true,
    allowedModels: null,
  });
});

test('limit+period in every unit, numeric periods in seconds', () => {
  const s = mergeSettings([
    {
      limits: [
        { limit: 2.5, period: 0.5 },
        { tpm: 1000, unit: 'output-tokens', by: ['user', 'model'] },
        { id: 'x', limit: 7, period: '2h', unit: 'input-tokens', algorithm: 'sliding-log' },
      ],
    },
  ]);
  assert.deepEqual(s.limits, [
    limit({ id: 'requests:apiKey', limit: 2.5, periodMs: 500 }),
    limit({ id: 'output-tokens:user+model', unit: 'output-tokens', by: ['user', 'model'], limit: 1000 }),
    limit({ id: 'x', algorithm: 'sliding-log', unit: 'input-tokens', limit: 7, periodMs: 7_200_000 }),
  ]);
});
