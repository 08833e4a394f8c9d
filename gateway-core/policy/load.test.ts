import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSluiceError, type SluiceError } from '../errors.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { detectFormat, loadPolicyFile, loadPolicyText } from './load.js';

function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, rel);
}

const tmp = mkdtempSync(join(tmpdir(), 'sluice-policy-load-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function failure(run: () => unknown): SluiceError {
  try {
    run();
  } catch (e) {
    if (isSluiceError(e)) return e;
    throw e;
  }
  assert.fail('expected a SluiceError');
}

const MINIMAL_YAML = `apiVersion: sluice/v1
tiers:
  free: { sloMs: 5000 }
models:
  mini: { inputPricePerMTok: 0.15, outputPricePerMTok: 0.6, backends: [openai] }
backends:
  openai:
    instances: [{ id: o1 }]
tenants:
  acme:
    tier: free
    limits:
      - rpm: -5
      - { rpm: 1, tpm: 2 }
`;

test('loads the example policy from YAML', () => {
  const policy = loadPolicyFile(repoFile('examples/policy.yaml'));
  assert.deepEqual(Object.keys(policy.tenants), ['acme', 'globex', 'hobbyist']);
  assert.equal(policy.tenants.acme.limits?.[0].rpm, 600);
});

test('the same policy as JSON loads to the same document', () => {
  const yamlDoc = loadPolicyFile(repoFile('examples/policy.yaml'));
  const file = join(tmp, 'policy.json');
  writeFileSync(file, JSON.stringify(yamlDoc, null, 2));
  assert.deepEqual(loadPolicyFile(file), yamlDoc);
});

test('validation errors are located by line:column (field name, or list item)', () => {
  const e = failure(() => loadPolicyText(MINIMAL_YAML, 'p.yaml'));
  assert.equal(e.code, 'SLUICE_POLICY_INVALID');
  assert.equal(e.message, 'p.yaml: 2 problems in the policy');
  assert.deepEqual(e.details, [
    'p.yaml:13:9: tenants.acme.limits[0].rpm: must be a positive integer, got -5',
    'p.yaml:14:9: tenants.acme.limits[1]: give exactly one of rpm, tpm or limit+period',
  ]);
});

test('a missing field is located at its parent', () => {
  const text = MINIMAL_YAML.replace('    tier: free\n', '').replace(
    / {4}limits:[\s\S]*$/,
    '    concurrency: 2\n',
  );
  const e = failure(() => loadPolicyText(text, 'p.yaml'));
  assert.deepEqual(e.details, ['p.yaml:10:3: tenants.acme.tier: is required']);
});

test('JSON validation errors are located too', () => {
  const json =
    '{\n  "apiVersion": "sluice/v1",\n  "tiers": {},\n  "models": {},\n  "backends": {},\n  "tenants": {"a": {"tier": "x"}}\n}';
  const e = failure(() => loadPolicyText(json, 'p.json'));
  assert.deepEqual(e.details, ['p.json:6:21: tenants.a.tier: unknown tier "x" (defined: none)']);
});

test('YAML syntax errors carry line:column', () => {
  const e = failure(() => loadPolicyText('tiers:\n  free: {sloMs: 1\nmodels: {}\n', 'bad.yaml'));
  assert.equal(e.code, 'SLUICE_POLICY_INVALID');
  assert.match(e.message, /^bad\.yaml:\d+:\d+: syntax error: /);
  assert.deepEqual(e.details, [e.message]);
  const dup = failure(() => loadPolicyText('tiers: {}\ntiers: {}\n', 'dup.yaml'));
  assert.equal(dup.message, 'dup.yaml:2:1: syntax error: Map keys must be unique');
});

test('JSON syntax errors carry line:column and a reason', () => {
  const e = failure(() => loadPolicyText('{\n  "a": 1,\n  "b": }', 'x.json'));
  assert.equal(e.message, 'x.json:3:8: syntax error: expected a value, found "}"');
  const cases: [string, number, string][] = [
    ['{"a": [1, 2,]}', 12, 'expected a value, found "]"'],
    ['{"a": 1} x', 9, 'unexpected "x" after the document'],
    ['{"a": "x\ty"}', 8, 'control character inside a string (escape it)'],
    ['{"a": tru}', 6, 'expected a value, found "t"'],
    ['{"a":1', 6, 'expected "," or "}", found end of input'],
    ['{"a" 1}', 5, 'expected ":", found "1"'],
    ['{"a": "\\q"}', 8, 'bad escape \\q'],
    ['', 0, 'expected a value, found end of input'],
  ];
  for (const [text, offset, reason] of cases)
    assert.deepEqual(findJsonSyntaxError(text), { offset, reason }, text);
  assert.equal(findJsonSyntaxError('{"a": [1, -2.5e3, true, null, "\\u00e9"]}'), null);
});

test('format by extension, else by content', () => {
  assert.equal(detectFormat('a.json', 'x: 1'), 'json');
  assert.equal(detectFormat('a.YML', '{}'), 'yaml');
  assert.equal(detectFormat('-', '  {"a": 1}'), 'json');
  assert.equal(detectFormat('policy', 'a: 1'), 'yaml');
});

test('an unreadable file is a policy error naming the file', () => {
  const missing = join(tmp, 'nope.yaml');
  const e = failure(() => loadPolicyFile(missing));
  assert.equal(e.code, 'SLUICE_POLICY_INVALID');
  assert.match(e.message, /nope\.yaml: cannot read the policy file \(ENOENT/);
});
