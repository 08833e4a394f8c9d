/**
 * `sluice policy validate FILE` and `sluice policy diff A B`: thin wrappers over
 * gateway-core/policy. The run* functions do the work and return the exit code, writing through
 * a CliIo, so tests call them directly with captured output.
 */
import type { Argv, CommandModule } from 'yargs';
import { isSluiceError } from '../../gateway-core/errors.js';
import { diffPolicies, formatDiff } from '../../gateway-core/policy/diff.js';
import { loadPolicyFile } from '../../gateway-core/policy/load.js';
import type { PolicyDocument, Settings } from '../../gateway-core/policy/schema.js';
import { contentHash } from '../../gateway-core/policy/version.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit 0 with a one-line summary, or 1 with every problem (one per line) on stderr. */
export function runPolicyValidate(file: string, io: CliIo): number {
  const policy = load(file, io);
  if (policy === null) return 1;
  io.out(`ok: ${summarise(policy)} (sha256 ${contentHash(policy).slice(0, 8)}…)`);
  return 0;
}

/** Prints the changes from A to B, one per line; exit 0 (1 when either file is invalid). */
export function runPolicyDiff(fileA: string, fileB: string, io: CliIo): number {
  const a = load(fileA, io);
  const b = load(fileB, io);
  if (a === null || b === null) return 1;
  const lines = formatDiff(diffPolicies(a, b));
  for (const line of lines) io.out(line);
  const hashes = `sha256 ${contentHash(a).slice(0, 8)}… -> ${contentHash(b).slice(0, 8)}…`;
  io.out(lines.length === 0 ? `no changes (${hashes})` : `${plural(lines.length, 'change')} (${hashes})`);
  return 0;
}

function load(file: string, io: CliIo): PolicyDocument | null {
  try {
    return loadPolicyFile(file);
  } catch (e) {
    if (!isSluiceError(e) || e.code !== 'SLUICE_POLICY_INVALID') throw e;
    // Syntax errors carry the message as their one detail; validation errors carry one each.
    for (const line of e.details) io.err(line);
    if (e.details.length !== 1 || e.details[0] !== e.message) io.err(e.message);
    return null;
  }
}

/** `3 tenants, 7 keys, 4 models, 3 backends, 13 limits` (limits at every level of the hierarchy). */
export function summarise(policy: PolicyDocument): string {
  const tenants = Object.values(policy.tenants);
  const keys = tenants.flatMap((t) => Object.values(t.keys ?? {}));
  const levels: (Settings | undefined)[] = [
    policy.defaults,
    ...Object.values(policy.modelOverrides ?? {}),
    ...tenants,
    ...keys,
    ...tenants.flatMap((t) => Object.values(t.modelOverrides ?? {})),
  ];
  const limits = levels.reduce((n, s) => n + (s?.limits?.length ?? 0), 0);
  return [
    plural(tenants.length, 'tenant'),
    plural(keys.length, 'key'),
    plural(Object.keys(policy.models).length, 'model'),
    plural(Object.keys(policy.backends).length, 'backend'),
    plural(limits, 'limit'),
  ].join(', ');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const validateCommand: CommandModule<object, { file: string }> = {
  command: 'validate <file>',
  describe: 'Check a policy document (YAML or JSON): schema and cross-references, every problem at once',
  builder: (y: Argv) =>
    y.positional('file', {
      type: 'string',
      demandOption: true,
      describe: 'policy file (.yaml, .yml or .json)',
    }),
  handler: (argv) => {
    process.exitCode = runPolicyValidate(argv.file, processIo);
  },
};

const diffCommand: CommandModule<object, { a: string; b: string }> = {
  command: 'diff <a> <b>',
  describe: 'Show what changes from policy A to policy B, one line per field',
  builder: (y: Argv) =>
    y
      .positional('a', { type: 'string', demandOption: true, describe: 'the current policy file' })
      .positional('b', { type: 'string', demandOption: true, describe: 'the proposed policy file' }),
  handler: (argv) => {
    process.exitCode = runPolicyDiff(argv.a, argv.b, processIo);
  },
};

export const policyCommand: CommandModule<object, object> = {
  command: 'policy <command>',
  describe: 'Validate and compare policy documents (config as code)',
  builder: (y: Argv) =>
    y
      .command(validateCommand)
      .command(diffCommand)
      .demandCommand(1, 'Name a policy command: validate or diff.')
      .example('$0 policy validate examples/policy.yaml', 'check a policy; prints a one-line summary')
      .example('$0 policy validate examples/bad-policy.yaml', 'every problem, as file:line:col: path: reason')
      .example('$0 policy diff current.yaml proposed.yaml', 'review a change before applying it'),
  handler: () => {},
};
