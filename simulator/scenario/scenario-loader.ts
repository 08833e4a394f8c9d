/**
 * Loads a scenario YAML (a name in simulator/scenarios/ or a file path), applies `--set`
 * overrides and `${parameter}` substitutions, checks it, and returns the runner's Scenario.
 *
 * Sugar on top of the policy document: `backends.X.instances: 4` expands to four instances
 * named X-1..X-4. Workload tenants default to the plaintext keys the policy gives them.
 * Every problem is reported with its path, all at once (SLUICE_CONFIG_INVALID).
 */
import { checkKnownKeys } from './known-keys.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { SluiceError } from '../../gateway-core/errors.js';
import { validatePolicy } from '../../gateway-core/policy/validate.js';
import type { FaultSpec } from '../backends/fault-schedule.js';
import { applyOverride } from './overrides.js';
import { substituteParameters } from './parameters.js';
import type { BackendModelSpec, Scenario, ScalingSpec } from './scenario.js';
import { backend, dur, num, Problems, type Rec, rec, stream } from './scenario-sections.js';

/** Where the shipped scenarios live (beside the sources; dist/ has no YAML). */
export function scenarioDir(): string {
  for (const rel of ['../scenarios/', '../../../simulator/scenarios/']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return fileURLToPath(new URL('../scenarios/', import.meta.url));
}

export function resolveScenarioPath(nameOrFile: string): string {
  if (existsSync(nameOrFile)) return nameOrFile;
  const p = `${scenarioDir()}${nameOrFile}.yaml`;
  if (existsSync(p)) return p;
  throw new SluiceError(
    'SLUICE_CONFIG_INVALID',
    `--scenario ${nameOrFile}: no such file, and no shipped scenario of that name (${scenarioDir()})`,
  );
}

export function loadScenario(nameOrFile: string, overrides: readonly string[] = []): Scenario {
  const file = resolveScenarioPath(nameOrFile);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${file}: not valid YAML: ${(e as Error).message}`);
  }
  return scenarioFromObject(raw, file, overrides);
}

export function scenarioFromObject(
  raw: unknown,
  source: string,
  overrides: readonly string[] = [],
): Scenario {
  const root0 = rec(raw);
  if (root0 === null)
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${source}: a scenario is a YAML mapping`);
  const root = structuredClone(root0);
  for (const o of overrides) applyOverride(root, o);
  const doc = substituteParameters(root, rec(root.parameters) ?? {}, source) as Rec;
  const p = new Problems();
  checkKnownKeys(p, '', doc, [
    'name',
    'description',
    'duration',
    'parameters',
    'policy',
    'workload',
    'backends',
    'faults',
    'scaling',
  ]);
  const durationMs = dur(p, 'duration', doc.duration, 3_600_000);

  // The policy, with `instances: N` sugar expanded, validated by gateway-core.
  const policyRaw = rec(doc.policy);
  if (policyRaw === null)
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${source}: policy: is required (an inline policy document)`,
    );
  for (const [name, b] of Object.entries(rec(policyRaw.backends) ?? {})) {
    const br = rec(b);
    if (br && typeof br.instances === 'number')
      br.instances = Array.from({ length: br.instances }, (_, i) => ({ id: `${name}-${i + 1}` }));
  }
  const v = validatePolicy(policyRaw);
  if (!v.ok)
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${source}: the policy is invalid:\n  policy.${v.errors.join('\n  policy.')}`,
      v.errors,
    );
  const policy = v.policy;

  const w = rec(doc.workload) ?? {};
  const main = stream(p, 'workload', w, null, policy, durationMs);
  const streams = [
    main,
    ...(Array.isArray(w.streams) ? w.streams : []).map((s, i) =>
      stream(p, `workload.streams[${i}]`, s, main, policy, durationMs),
    ),
  ];
  for (const s of streams)
    for (const m of Object.keys(s.models))
      if (policy.models[m] === undefined)
        p.add(
          `workload (${s.name}).models.${m}`,
          `is not a model of the policy (models: ${Object.keys(policy.models).join(', ')})`,
        );
  const traceTenants = w.traceTenants ?? 'weights';
  if (traceTenants !== 'weights' && traceTenants !== 'round-robin' && traceTenants !== 'column')
    p.add('workload.traceTenants', 'must be weights, round-robin or column');

  const backends: Record<string, BackendModelSpec> = {};
  const braw = rec(doc.backends) ?? {};
  for (const name of Object.keys(policy.backends)) {
    if (braw[name] === undefined)
      p.add(
        `backends.${name}`,
        'is missing: every backend pool of the policy needs a model (kind: llm | api | station)',
      );
    else backends[name] = backend(p, `backends.${name}`, braw[name]);
  }
  for (const name of Object.keys(braw))
    if (policy.backends[name] === undefined)
      p.add(
        `backends.${name}`,
        `is not a backend of the policy (backends: ${Object.keys(policy.backends).join(', ')})`,
      );

  const faults: FaultSpec[] = (Array.isArray(doc.faults) ? doc.faults : []).map((f, i) => {
    const r = rec(f) ?? {};
    const path = `faults[${i}]`;
    checkKnownKeys(p, path, r, ['kind', 'pool', 'instance', 'at', 'duration', 'factor', 'rate']);
    const kind = r.kind;
    if (kind !== 'slowdown' && kind !== 'errors' && kind !== 'crash' && kind !== 'outage')
      p.add(`${path}.kind`, 'must be slowdown, errors, crash or outage');
    if (typeof r.pool !== 'string' || policy.backends[r.pool] === undefined)
      p.add(`${path}.pool`, `must name a backend pool (${Object.keys(policy.backends).join(', ')})`);
    return {
      kind: kind as FaultSpec['kind'],
      pool: String(r.pool),
      instance: typeof r.instance === 'string' ? r.instance : undefined,
      atMs: dur(p, `${path}.at`, r.at),
      durationMs: dur(p, `${path}.duration`, r.duration),
      factor: r.factor === undefined ? undefined : num(p, `${path}.factor`, r.factor),
      rate: r.rate === undefined ? undefined : num(p, `${path}.rate`, r.rate),
    };
  });

  const scaling: Record<string, ScalingSpec> = {};
  for (const [name, sv] of Object.entries(rec(doc.scaling) ?? {})) {
    const r = rec(sv) ?? {};
    const path = `scaling.${name}`;
    checkKnownKeys(p, path, r, [
      'policy',
      'min',
      'max',
      'cooldown',
      'interval',
      'target',
      'tolerance',
      'stabilisation',
    ]);
    if (backends[name]?.kind !== 'llm')
      p.add(path, 'scaling needs a self-hosted pool (backends.X.kind: llm)');
    const policyName = r.policy ?? 'reactive';
    if (policyName !== 'fixed' && policyName !== 'reactive')
      p.add(`${path}.policy`, 'must be fixed or reactive');
    scaling[name] = {
      policy: policyName as 'fixed',
      min: num(p, `${path}.min`, r.min, 1),
      max: num(p, `${path}.max`, r.max, 10),
      cooldownMs: dur(p, `${path}.cooldown`, r.cooldown, 60_000),
      intervalMs: dur(p, `${path}.interval`, r.interval, 15_000),
      target: num(p, `${path}.target`, r.target, 0.7, Number.MIN_VALUE),
      tolerance: num(p, `${path}.tolerance`, r.tolerance, 0.1),
      stabilisationMs: dur(p, `${path}.stabilisation`, r.stabilisation, 300_000),
    };
  }
  if (p.list.length > 0)
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${source}: invalid scenario:\n  ${p.list.join('\n  ')}`,
      p.list,
    );
  return {
    name: typeof doc.name === 'string' ? doc.name : source,
    description: typeof doc.description === 'string' ? doc.description : '',
    durationMs,
    policy,
    streams,
    traceTenants: traceTenants as Scenario['traceTenants'],
    backends,
    faults,
    scaling,
  };
}
