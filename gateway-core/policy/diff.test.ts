import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { diffPolicies, formatDiff } from './diff.js';
import { loadPolicyFile } from './load.js';
import type { PolicyDocument } from './schema.js';
import { validatePolicy } from './validate.js';

function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, rel);
}

/** The same value with object keys in reverse order at every depth. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

const base = loadPolicyFile(repoFile('examples/policy.yaml'));

function edited(): PolicyDocument {
  const d: PolicyDocument = structuredClone(base);
  delete d.description;
  d.tiers.internal = { sloMs: 500 };
  d.models['gpt-4o'].backends = ['azure'];
  const vllm = d.backends.vllm.instances;
  vllm.reverse(); // reordering instances (matched by id) is not a change
  vllm[1].url = 'http://127.0.0.1:8101';
  d.backends.openai.apiKey = 'sk-live-secret';
  const acme = d.tenants.acme;
  acme.limits![0].rpm = 900; // requests:apiKey
  acme.limits![1].by = ['tenant', 'model']; // acme-tokens keeps its explicit id
  acme.limits!.reverse(); // limits are matched by id, order is not a change
  delete acme.keys!['acme-dev'];
  d.tenants.globex.keys!['globex-mobile'] = { key: 'sk-globex-mobile-9', app: 'mobile' };
  d.routing!.rules![0].model = 'llama-3.1-8b';
  d.routing!.rules!.pop();
  d.cache!.ttl = '15m';
  return d;
}

test('the edited policy is still valid (the diff compares real documents)', () => {
  const r = validatePolicy(edited());
  assert.deepEqual(r.ok ? [] : r.errors, []);
});

test('diff finds exactly the changes, with paths, limits and instances matched by id', () => {
  assert.deepEqual(diffPolicies(base, edited()), [
    { op: 'remove', path: 'description', from: base.description },
    { op: 'add', path: 'tiers.internal', to: { sloMs: 500 } },
    { op: 'change', path: 'models.gpt-4o.backends', from: ['openai', 'azure'], to: ['azure'] },
    { op: 'change', path: 'backends.openai.apiKey', from: 'env:OPENAI_API_KEY', to: 'sk-live-secret' },
    {
      op: 'change',
      path: 'backends.vllm.instances[vllm-1].url',
      from: 'http://127.0.0.1:8001',
      to: 'http://127.0.0.1:8101',
    },
    { op: 'change', path: 'tenants.acme.limits[requests:apiKey].rpm', from: 600, to: 900 },
    { op: 'change', path: 'tenants.acme.limits[acme-tokens].by', from: ['tenant'], to: ['tenant', 'model'] },
    {
      op: 'remove',
      path: 'tenants.acme.keys.acme-dev',
      from: { key: 'sk-acme-dev-local-0001', user: 'dev-team', concurrency: 4 },
    },
    {
      op: 'add',
      path: 'tenants.globex.keys.globex-mobile',
      to: { key: 'sk-globex-mobile-9', app: 'mobile' },
    },
    { op: 'change', path: 'routing.rules[0].model', from: 'gpt-4o-mini', to: 'llama-3.1-8b' },
    {
      op: 'remove',
      path: 'routing.rules[6]',
      from: { when: { tenant: ['acme'], model: ['gpt-4o'] }, model: 'gpt-4o-mini', share: 0.2 },
    },
    { op: 'change', path: 'cache.ttl', from: '10m', to: '15m' },
  ]);
});

test('formatDiff: one line per change, secrets redacted', () => {
  assert.deepEqual(formatDiff(diffPolicies(base, edited())), [
    `- description: ${JSON.stringify(base.description)}`,
    '+ tiers.internal: {"sloMs":500}',
    '~ models.gpt-4o.backends: ["openai","azure"] -> ["azure"]',
    '~ backends.openai.apiKey: "env:OPENAI_API_KEY" -> "<redacted>"',
    '~ backends.vllm.instances[vllm-1].url: "http://127.0.0.1:8001" -> "http://127.0.0.1:8101"',
    '~ tenants.acme.limits[requests:apiKey].rpm: 600 -> 900',
    '~ tenants.acme.limits[acme-tokens].by: ["tenant"] -> ["tenant","model"]',
    '- tenants.acme.keys.acme-dev: {"key":"<redacted>","user":"dev-team","concurrency":4}',
    '+ tenants.globex.keys.globex-mobile: {"key":"<redacted>","app":"mobile"}',
    '~ routing.rules[0].model: "gpt-4o-mini" -> "llama-3.1-8b"',
    '- routing.rules[6]: {"when":{"tenant":["acme"],"model":["gpt-4o"]},"model":"gpt-4o-mini","share":0.2}',
    '~ cache.ttl: "10m" -> "15m"',
  ]);
});

test('a limit whose default id changes shows as one removed and one added', () => {
  const b: PolicyDocument = structuredClone(base);
  b.defaults!.limits![1] = { tpm: 100_000, by: ['tenant'] };
  assert.deepEqual(formatDiff(diffPolicies(base, b)), [
    '- defaults.limits[total-tokens:apiKey]: {"tpm":100000}',
    '+ defaults.limits[total-tokens:tenant]: {"tpm":100000,"by":["tenant"]}',
  ]);
});

test('identical documents, even with keys in another order, have no changes', () => {
  assert.deepEqual(diffPolicies(base, structuredClone(base)), []);
  assert.deepEqual(diffPolicies(base, reverseKeys(base)), []);
});

test('property: no changes between a value and itself with keys reordered', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.deepEqual(diffPolicies(value, reverseKeys(value)), []);
    }),
    { numRuns: 300, seed: 5 },
  );
});
