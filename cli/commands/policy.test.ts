import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { type CliIo, policyCommand, runPolicyDiff, runPolicyValidate } from './policy.js';

function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, rel);
}

const tmp = mkdtempSync(join(tmpdir(), 'sluice-cli-policy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function captured(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const good = repoFile('examples/policy.yaml');
const bad = repoFile('examples/bad-policy.yaml');

test('validate: a good policy exits 0 with a one-line summary', () => {
  const io = captured();
  assert.equal(runPolicyValidate(good, io), 0);
  assert.equal(io.stdout.length, 1);
  assert.match(
    io.stdout[0],
    /^ok: 3 tenants, 7 keys, 4 models, 3 backends, 13 limits \(sha256 [0-9a-f]{8}…\)$/,
  );
  assert.deepEqual(io.stderr, []);
});

test('validate: a bad policy exits 1 with every problem on stderr, located', () => {
  const io = captured();
  assert.equal(runPolicyValidate(bad, io), 1);
  assert.deepEqual(io.stdout, []);
  assert.equal(io.stderr.length, 29);
  assert.equal(io.stderr[0], `${bad}:4:1: apiVersion: must be "sluice/v1", got "sluice/v2"`);
  assert.equal(io.stderr[13], `${bad}:39:9: tenants.acme.limits[0].rpm: must be a positive integer, got -5`);
  assert.equal(io.stderr[28], `${bad}: 28 problems in the policy`);
});

test('validate: a syntax error is one line with its position', () => {
  const file = join(tmp, 'broken.json');
  writeFileSync(file, '{\n  "apiVersion": "sluice/v1",\n  "tiers": {,\n}');
  const io = captured();
  assert.equal(runPolicyValidate(file, io), 1);
  assert.deepEqual(io.stderr, [`${file}:3:13: syntax error: expected a string, found ","`]);
});

test('diff: prints each change and a count, exit 0', () => {
  const edited = join(tmp, 'edited.yaml');
  const text = readFileSync(good, 'utf8')
    .replace('      - rpm: 600 # replaces', '      - rpm: 900 # replaces')
    .replace('cooldown: 15s', 'cooldown: 20s');
  writeFileSync(edited, text);
  const io = captured();
  assert.equal(runPolicyDiff(good, edited, io), 0);
  assert.deepEqual(io.stdout.slice(0, 2), [
    '~ backends.openai.breaker.cooldown: "15s" -> "20s"',
    '~ tenants.acme.limits[requests:apiKey].rpm: 600 -> 900',
  ]);
  assert.match(io.stdout[2], /^2 changes \(sha256 [0-9a-f]{8}… -> [0-9a-f]{8}…\)$/);
  assert.equal(io.stdout.length, 3);
});

test('diff: the same policy has no changes; an invalid side exits 1', () => {
  const same = captured();
  assert.equal(runPolicyDiff(good, good, same), 0);
  assert.equal(same.stdout.length, 1);
  assert.match(same.stdout[0], /^no changes \(sha256 ([0-9a-f]{8})… -> \1…\)$/);
  const io = captured();
  assert.equal(runPolicyDiff(good, bad, io), 1);
  assert.equal(io.stderr.length, 29);
  assert.deepEqual(io.stdout, []);
});

test('the yargs command wires validate and diff to the handlers and sets the exit code', async () => {
  const written: string[] = [];
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const capture = (chunk: string | Uint8Array): boolean => {
    written.push(String(chunk));
    return true;
  };
  const previous = process.exitCode;
  try {
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    await yargs(['policy', 'validate', bad]).command(policyCommand).strict().parseAsync();
    assert.equal(process.exitCode, 1);
    process.exitCode = 0;
    await yargs(['policy', 'validate', good]).command(policyCommand).strict().parseAsync();
    assert.equal(process.exitCode, 0);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    process.exitCode = previous;
  }
  assert.equal(written.length, 30);
  assert.match(written[29], /^ok: 3 tenants/);
});
