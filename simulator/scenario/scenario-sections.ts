/**
 * Readers for the sections of a scenario's YAML tree: each takes the raw value and its path,
 * returns the typed value (or a default), and records every problem with its path instead of
 * stopping at the first, so `sluice simulate` can list them all at once.
 */
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import type { TokenDistribution } from '../workloads/request-mix.js';
import type { TrendingSpec } from '../workloads/trending-prompts.js';
import { type DemandCalendar, calendarProblems } from '../workloads/demand-calendar.js';
import { parseDurationMs } from './duration.js';
import { checkKnownKeys } from './known-keys.js';
import type { ArrivalSpec, BackendModelSpec, StreamSpec, TenantWorkload } from './scenario.js';

export type Rec = Record<string, unknown>;

export class Problems {
  readonly list: string[] = [];
  add(path: string, msg: string): void {
    this.list.push(`${path}: ${msg}`);
  }
}

export function rec(v: unknown): Rec | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null;
}

export function num(p: Problems, path: string, v: unknown, dflt?: number, min = 0): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    // Number.MIN_VALUE stands for "more than 0"; 5e-324 would say nothing to a reader.
    p.add(
      path,
      `must be a number ${min === Number.MIN_VALUE ? '> 0' : `>= ${min}`}, got ${JSON.stringify(v)}`,
    );
    return dflt ?? min;
  }
  return v;
}

export function dur(p: Problems, path: string, v: unknown, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  try {
    return parseDurationMs(v, path);
  } catch (_e) {
    p.add(path, `must be a duration (seconds, or like 500ms, 10s, 5m, 1h); got ${JSON.stringify(v)}`);
    return dflt ?? 0;
  }
}

export function tokenDist(p: Problems, path: string, v: unknown, dflt: TokenDistribution): TokenDistribution {
  const r = rec(v);
  if (v === undefined) return dflt;
  if (r === null) {
    p.add(path, 'must be {median, sigma, min?, max?}');
    return dflt;
  }
  checkKnownKeys(p, path, r, ['median', 'sigma', 'min', 'max']);
  return {
    median: num(p, `${path}.median`, r.median, undefined, 1),
    sigma: num(p, `${path}.sigma`, r.sigma, 0),
    min: num(p, `${path}.min`, r.min, 1, 0),
    max: num(p, `${path}.max`, r.max, 1_000_000, 1),
  };
}

/**
 * A diurnal workload's calendar (weekend, holidays, trendPerDay, levelShifts: [{at, factor}]), or
 * undefined where it names none of them.
 */
function demandCalendar(p: Problems, path: string, r: Rec): DemandCalendar | undefined {
  if ([r.weekend, r.holidays, r.trendPerDay, r.levelShifts].every((x) => x === undefined)) return undefined;
  const list = (key: string): unknown[] => {
    const v = r[key];
    if (v === undefined) return [];
    if (Array.isArray(v)) return v;
    p.add(`${path}.${key}`, `must be a list, got ${JSON.stringify(v)}`);
    return [];
  };
  const calendar: DemandCalendar = {
    weekend:
      r.weekend === undefined ? undefined : num(p, `${path}.weekend`, r.weekend, undefined, Number.MIN_VALUE),
    trendPerDay: r.trendPerDay === undefined ? undefined : num(p, `${path}.trendPerDay`, r.trendPerDay),
    holidays: list('holidays').map((d, i) => num(p, `${path}.holidays[${i}]`, d)),
    levelShifts: list('levelShifts').map((x, i) => {
      const shift = rec(x);
      if (shift) checkKnownKeys(p, `${path}.levelShifts[${i}]`, shift, ['at', 'factor']);
      return {
        atMs: dur(p, `${path}.levelShifts[${i}].at`, shift?.at),
        factor: num(p, `${path}.levelShifts[${i}].factor`, shift?.factor, undefined, Number.MIN_VALUE),
      };
    }),
  };
  for (const problem of calendarProblems(calendar)) p.add(path, problem);
  return calendar;
}

export function arrivals(p: Problems, path: string, v: unknown): ArrivalSpec {
  const r = rec(v) ?? {};
  const process = r.process;
  switch (process) {
    case 'poisson':
    case 'deterministic':
      checkKnownKeys(p, path, r, ['process', 'rate']);
      return { process, rate: num(p, `${path}.rate`, r.rate, undefined, Number.MIN_VALUE) };
    case 'diurnal': {
      checkKnownKeys(p, path, r, [
        'process',
        'mean',
        'amplitude',
        'period',
        'peakAt',
        'weekend',
        'holidays',
        'trendPerDay',
        'levelShifts',
      ]);
      const calendar = demandCalendar(p, path, r);
      return {
        process,
        mean: num(p, `${path}.mean`, r.mean),
        amplitude: num(p, `${path}.amplitude`, r.amplitude, 0.5),
        periodMs: dur(p, `${path}.period`, r.period, 86_400_000),
        peakAtMs: dur(p, `${path}.peakAt`, r.peakAt, 43_200_000),
        ...(calendar ? { calendar } : {}),
      };
    }
    case 'mmpp': {
      checkKnownKeys(p, path, r, ['process', 'states']);
      const states = Array.isArray(r.states) ? r.states : [];
      if (states.length < 2) p.add(`${path}.states`, 'needs at least two states [{rate, meanDwell}]');
      return {
        process,
        states: states.map((s, i) => {
          const state = rec(s);
          if (state) checkKnownKeys(p, `${path}.states[${i}]`, state, ['rate', 'meanDwell']);
          return {
            rate: num(p, `${path}.states[${i}].rate`, state?.rate),
            meanDwellMs: dur(p, `${path}.states[${i}].meanDwell`, state?.meanDwell),
          };
        }),
      };
    }
    case 'flash-sale': {
      checkKnownKeys(p, path, r, ['process', 'base', 'spikes']);
      const spikes = Array.isArray(r.spikes) ? r.spikes : [];
      return {
        process,
        base: num(p, `${path}.base`, r.base, undefined, Number.MIN_VALUE),
        spikes: spikes.map((s, i) => {
          const q = rec(s) ?? {};
          const sp = `${path}.spikes[${i}]`;
          checkKnownKeys(p, sp, q, ['at', 'ramp', 'plateau', 'decay', 'peak']);
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

export function policyKeys(policy: PolicyDocument, tenant: string): string[] {
  return Object.entries(policy.tenants[tenant]?.keys ?? {})
    .map(([, k]) => k.key)
    .filter((k): k is string => typeof k === 'string');
}

export function stream(
  p: Problems,
  path: string,
  v: unknown,
  parent: StreamSpec | null,
  policy: PolicyDocument,
  _durationMs: number,
): StreamSpec {
  const r = rec(v) ?? {};
  const streamKeys = ['name', 'arrivals', 'start', 'end', 'tenants', 'models', 'tokens', 'prompts'];
  // The main workload also holds the other streams and how a trace's rows pick tenants.
  checkKnownKeys(p, path, r, parent === null ? [...streamKeys, 'streams', 'traceTenants'] : streamKeys);
  const tokens = rec(r.tokens);
  if (tokens) checkKnownKeys(p, `${path}.tokens`, tokens, ['input', 'output', 'maxTokens']);
  const tenantsRaw = rec(r.tenants);
  const tenants: Record<string, TenantWorkload> = {};
  if (tenantsRaw) {
    for (const [name, tv] of Object.entries(tenantsRaw)) {
      const t = rec(tv) ?? {};
      checkKnownKeys(p, `${path}.tenants.${name}`, t, ['weight', 'key', 'keys', 'models']);
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
  if (prompts)
    checkKnownKeys(p, `${path}.prompts`, prompts, ['distinct', 'zipf', 'temperatureZeroShare', 'trending']);
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
      tokens?.input,
      parent?.input ?? { median: 500, sigma: 0.8, min: 1, max: 8000 },
    ),
    output: tokenDist(
      p,
      `${path}.tokens.output`,
      tokens?.output,
      parent?.output ?? { median: 150, sigma: 0.8, min: 1, max: 2000 },
    ),
    maxTokens: num(p, `${path}.tokens.maxTokens`, tokens?.maxTokens, parent?.maxTokens ?? 0),
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
          ...(prompts.trending !== undefined
            ? { trending: trending(p, `${path}.prompts.trending`, prompts.trending) }
            : {}),
        }
      : (parent?.prompts ?? null),
  };
}

/** `prompts.trending`: {topics, every, rise, hold, fall, share, offset?, output?} (trending-prompts.ts). */
export function trending(p: Problems, path: string, v: unknown): TrendingSpec {
  const r = rec(v);
  if (r === null) {
    p.add(path, 'must be {topics, every, rise, hold, fall, share, offset?}');
    return { topics: 1, everyMs: 60_000, riseMs: 0, holdMs: 60_000, fallMs: 0, share: 0, offsetMs: 0 };
  }
  checkKnownKeys(p, path, r, ['topics', 'every', 'rise', 'hold', 'fall', 'share', 'offset', 'output']);
  const topics = num(p, `${path}.topics`, r.topics, undefined, 1);
  if (!Number.isInteger(topics)) p.add(`${path}.topics`, `must be an integer, got ${topics}`);
  const everyMs = dur(p, `${path}.every`, r.every);
  if (!(everyMs > 0)) p.add(`${path}.every`, 'must be > 0');
  const spec: TrendingSpec = {
    topics,
    everyMs,
    riseMs: dur(p, `${path}.rise`, r.rise, 0),
    holdMs: dur(p, `${path}.hold`, r.hold, 0),
    fallMs: dur(p, `${path}.fall`, r.fall, 0),
    share: num(p, `${path}.share`, r.share, undefined, 0),
    offsetMs: dur(p, `${path}.offset`, r.offset, 0),
  };
  if (r.output !== undefined)
    spec.output = tokenDist(p, `${path}.output`, r.output, { median: 150, sigma: 0, min: 1, max: 2000 });
  if (spec.share > 1) p.add(`${path}.share`, `must be <= 1, got ${spec.share}`);
  if (!(spec.riseMs + spec.holdMs + spec.fallMs > 0))
    p.add(path, 'a burst must last: rise + hold + fall > 0');
  return spec;
}

export function backend(p: Problems, path: string, v: unknown): BackendModelSpec {
  const r = rec(v) ?? {};
  const fields: Record<string, readonly string[]> = {
    llm: [
      'prefillMsPerToken',
      'decodeMsPerToken',
      'batchSlowdown',
      'maxSequences',
      'pricePerHour',
      'coldStart',
    ],
    api: ['base', 'perOutputTokenMs', 'sigma', 'rpm', 'burst'],
    station: ['distribution', 'rate', 'mean', 'sigma'],
  };
  if (typeof r.kind === 'string' && fields[r.kind]) checkKnownKeys(p, path, r, ['kind', ...fields[r.kind]]);
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
