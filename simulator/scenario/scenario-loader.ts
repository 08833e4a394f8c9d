/**
 * Loads a scenario YAML (a name in simulator/scenarios/ or a file path), applies `--set`
 * overrides and `${parameter}` substitutions, checks it, and returns the runner's Scenario.
 *
 * Sugar on top of the policy document: `backends.X.instances: 4` expands to four instances
 * named X-1..X-4. Workload tenants default to the plaintext keys the policy gives them.
 * Every problem is reported with its path, all at once (SLUICE_CONFIG_INVALID).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { SluiceError } from '../../gateway-core/errors.js';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import { validatePolicy } from '../../gateway-core/policy/validate.js';
import type { FaultSpec } from '../backends/fault-schedule.js';
import type { TokenDistribution } from '../workloads/request-mix.js';
import { parseDurationMs } from './duration.js';
import { applyOverride } from './overrides.js';
import type {
  ArrivalSpec,
  BackendModelSpec,
  Scenario,
  ScalingSpec,
  StreamSpec,
  TenantWorkload,
} from './scenario.js';
import { substituteParameters } from './parameters.js';

type Rec = Record<string, unknown>;

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

class Problems {
  readonly list: string[] = [];
  add(path: string, msg: string): void {
    this.list.push(`${path}: ${msg}`);
  }
}

function rec(v: unknown): Rec | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null;
}

function num(p: Problems, path: string, v: unknown, dflt?: number, min = 0): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    p.add(path, `must be a number >= ${min}, got ${JSON.stringify(v)}`);
    return dflt ?? min;
  }
  return v;
}

function dur(p: Problems, path: string, v: unknown, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  try {
    return parseDurationMs(v, path);
  } catch (_e) {
    p.add(path, `must be a duration (seconds, or like 500ms, 10s, 5m, 1h); got ${JSON.stringify(v)}`);
    return dflt ?? 0;
  }
}

function tokenDist(p: Problems, path: string, v: unknown, dflt: TokenDistribution): TokenDistribution {
  const r = rec(v);
  if (v === undefined) return dflt;
  if (r === null) {
    p.add(path, 'must be {median, sigma, min?, max?}');
    return dflt;
  }
  return {
    median: num(p, `${path}.median`, r.median, undefined, 1),
    sigma: num(p, `${path}.sigma`, r.sigma, 0),
    min: num(p, `${path}.min`, r.min, 1, 0),
    max: num(p, `${path}.max`, r.max, 1_000_000, 1),
  };
}

function arrivals(p: Problems, path: string, v: unknown): ArrivalSpec {
  const r = rec(v) ?? {};
  const process = r.process;
  switch (process) {
    case 'poisson':
    case 'deterministic':
      return { process, rate: num(p, `${path}.rate`, r.rate, undefined, Number.MIN_VALUE) };
    case 'diurnal':
      return {
        process,
        mean: num(p, `${path}.mean`, r.mean),
        amplitude: num(p, `${path}.amplitude`, r.amplitude, 0.5),
        periodMs: dur(p, `${path}.period`, r.period, 86_400_000),
        peakAtMs: dur(p, `${path}.peakAt`, r.peakAt, 43_200_000),
      };
    case 'mmpp': {
      const states = Array.isArray(r.states) ? r.states : [];
      if (states.length < 2) p.add(`${path}.states`, 'needs at least two states [{rate, meanDwell}]');
      return {
        process,
        states: states.map((s, i) => ({
          rate: num(p, `${path}.states[${i}].rate`, rec(s)?.rate),
          meanDwellMs: dur(p, `${path}.states[${i}].meanDwell`, rec(s)?.meanDwell),
        })),
      };
    }
    case 'flash-sale': {
      const spikes = Array.isArray(r.spikes) ? r.spikes : [];
      return {
        process,
        base: num(p, `${path}.base`, r.base, undefined, Number.MIN_VALUE),
        spikes: spikes.map((s, i) => {
          const q = rec(s) ?? {};
          const sp = `${path}.spikes[${i}]`;
          return {
            atMs: dur(p, `${sp}.at`, q.at),
            rampMs: dur(p, `${sp}.ramp`, q.ramp, 60_000),
            plateauMs: dur(p, `${sp}.plateau`, q.plateau, 300_000),
            decayMs: dur(p, `${sp}.decay`, q.decay, 300_000),
            peak: num(p, `${sp}.peak`, q.peak, undefined, 1),
          };
        }),
      };
    }
    default:
      p.add(
        `${path}.process`,
        `must be one of poisson, diurnal, mmpp, flash-sale, deterministic; got ${JSON.stringify(process)}`,
      );
      return { process: 'poisson', rate: 1 };
  }
}

function policyKeys(policy: PolicyDocument, tenant: string): string[] {
  return Object.entries(policy.tenants[tenant]?.keys ?? {})
    .map(([, k]) => k.key)
    .filter((k): k is string => typeof k === 'string');
}

function stream(
  p: Problems,
  path: string,
  v: unknown,
  parent: StreamSpec | null,
  policy: PolicyDocument,
  _durationMs: number,
): StreamSpec {
  const r = rec(v) ?? {};
  const tenantsRaw = rec(r.tenants);
  const tenants: Record<string, TenantWorkload> = {};
  if (tenantsRaw) {
    for (const [name, tv] of Object.entries(tenantsRaw)) {
      const t = rec(tv) ?? {};
      const keys = Array.isArray(t.keys)
        ? t.keys.map(String)
        : typeof t.key === 'string'
          ? [t.key]
          : policyKeys(policy, name);
      if (policy.tenants[name] === undefined && t.key === undefined && t.keys === undefined)
        p.add(
          `${path}.tenants.${name}`,
          `is not a tenant of the policy (tenants: ${Object.keys(policy.tenants).join(', ')}); give it a key to send as an unknown caller`,
        );
      else if (keys.length === 0)
        p.add(
          `${path}.tenants.${name}`,
          'has no plaintext API key in the policy (tenants.T.keys.K.key); give keys: [...] here',
        );
      tenants[name] = {
        weight: num(p, `${path}.tenants.${name}.weight`, t.weight, 1),
        keys,
        models: rec(t.models) ? (t.models as Record<string, number>) : undefined,
      };
    }
  } else if (parent === null) p.add(`${path}.tenants`, 'is required: {tenant: {weight}}');
  const prompts = rec(r.prompts);
  return {
    name: typeof r.name === 'string' ? r.name : parent === null ? 'main' : path,
    arrivals: arrivals(p, `${path}.arrivals`, r.arrivals),
    startMs: dur(p, `${path}.start`, r.start, 0),
    endMs: dur(p, `${path}.end`, r.end, Number.POSITIVE_INFINITY),
    tenants: tenantsRaw ? tenants : (parent?.tenants ?? {}),
    models: rec(r.models)
      ? (r.models as Record<string, number>)
      : (parent?.models ??
        Object.fromEntries(
          Object.keys(policy.models)
            .slice(0, 1)
            .map((m) => [m, 1]),
        )),
    input: tokenDist(
      p,
      `${path}.tokens.input`,
      rec(r.tokens)?.input,
      parent?.input ?? { median: 500, sigma: 0.8, min: 1, max: 8000 },
    ),
    output: tokenDist(
      p,
      `${path}.tokens.output`,
      rec(r.tokens)?.output,
      parent?.output ?? { median: 150, sigma: 0.8, min: 1, max: 2000 },
    ),
    maxTokens: num(p, `${path}.tokens.maxTokens`, rec(r.tokens)?.maxTokens, parent?.maxTokens ?? 0),
    prompts: prompts
      ? {
          distinct: num(p, `${path}.prompts.distinct`, prompts.distinct, 10_000, 1),
          zipf: num(p, `${path}.prompts.zipf`, prompts.zipf, 1),
          temperatureZeroShare: num(
            p,
            `${path}.prompts.temperatureZeroShare`,
            prompts.temperatureZeroShare,
            0.5,
          ),
        }
      : (parent?.prompts ?? null),
  };
}

function backend(p: Problems, path: string, v: unknown): BackendModelSpec {
  const r = rec(v) ?? {};
  if (r.kind === 'llm')
    return {
      kind: 'llm',
      prefillMsPerToken: num(p, `${path}.prefillMsPerToken`, r.prefillMsPerToken, 0.15),
      decodeMsPerToken: num(p, `${path}.decodeMsPerToken`, r.decodeMsPerToken, 20),
      batchSlowdown: num(p, `${path}.batchSlowdown`, r.batchSlowdown, 0.02),
      maxSequences: num(p, `${path}.maxSequences`, r.maxSequences, 32, 1),
      pricePerHour: num(p, `${path}.pricePerHour`, r.pricePerHour, 2.5),
      coldStartMs: dur(p, `${path}.coldStart`, r.coldStart, 90_000),
    };
  if (r.kind === 'api')
    return {
      kind: 'api',
      baseMs: dur(p, `${path}.base`, r.base, 300),
      perOutputTokenMs: num(p, `${path}.perOutputTokenMs`, r.perOutputTokenMs, 15),
      sigma: num(p, `${path}.sigma`, r.sigma, 0.3),
      rpm: r.rpm === undefined ? undefined : num(p, `${path}.rpm`, r.rpm, undefined, 1),
      burst: r.burst === undefined ? undefined : num(p, `${path}.burst`, r.burst, undefined, 1),
    };
  if (r.kind === 'station') {
    const d = r.distribution ?? 'exponential';
    if (d !== 'exponential' && d !== 'deterministic' && d !== 'lognormal')
      p.add(`${path}.distribution`, 'must be exponential, deterministic or lognormal');
    const meanMs =
      r.rate !== undefined
        ? 1000 / num(p, `${path}.rate`, r.rate, 1, Number.MIN_VALUE)
        : dur(p, `${path}.mean`, r.mean, 1000);
    return {
      kind: 'station',
      distribution: d as 'exponential',
      meanMs,
      sigma: r.sigma === undefined ? undefined : num(p, `${path}.sigma`, r.sigma),
    };
  }
  p.add(`${path}.kind`, `must be llm, api or station; got ${JSON.stringify(r.kind)}`);
  return { kind: 'station', distribution: 'exponential', meanMs: 1000 };
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
