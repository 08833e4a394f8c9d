/**
 * The experiment spec: a YAML document that says what to run (a scenario or a trace, for how
 * long, with which seeds), which arms to compare (controller modes or policy files, with
 * parameters), an optional sweep grid, the metrics to compare and the baseline arm.
 *
 * Validation is hand-written rather than schema-generated so that every error names the path
 * and the fix, e.g. `arms[2].mode: unknown mode "adaptiv" (expected one of static, reactive,
 * gradient2, adaptive)`.
 */
import { nearestName } from '../gateway-core/nearest-name.js';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SluiceError } from '../gateway-core/errors.js';
import { metricDirection } from './metric.js';

export const CONTROLLER_MODES = ['static', 'reactive', 'gradient2', 'adaptive'] as const;
export type ControllerMode = (typeof CONTROLLER_MODES)[number];

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface ArmSpec {
  name: string;
  /** A controller mode, or null when the arm runs a fixed policy file. */
  mode: ControllerMode | null;
  /** Absolute path of a policy document (YAML or JSON), or null. */
  policy: string | null;
  params: Params;
}

export interface TraceSpec {
  /** Absolute path of the trace CSV. */
  file: string;
  speedup: number;
  scale: number;
}

export interface MetricSpec {
  /** Dotted path into the run summary, e.g. `latencyMs.p99`. */
  name: string;
  better: 'lower' | 'higher';
}

export interface ExperimentSpec {
  name: string;
  description: string;
  scenario: string | null;
  trace: TraceSpec | null;
  durationSeconds: number;
  intervalSeconds: number;
  seeds: number[];
  arms: ArmSpec[];
  /** Parameter -> values; every combination is run for every arm (empty: one point). */
  grid: Record<string, ParamValue[]>;
  metrics: MetricSpec[];
  baseline: string;
  /** Which ArmRunner runs the arms: the real simulator, or the deterministic stand-in. */
  runner: 'simulator' | 'stand-in';
  /** The source text, kept for the report. */
  source: string;
}

const TOP_KEYS = [
  'name',
  'description',
  'scenario',
  'trace',
  'duration',
  'interval',
  'seeds',
  'arms',
  'grid',
  'metrics',
  'baseline',
  'runner',
];

/** `90`, `90s`, `30m`, `2h`, `500ms` -> seconds; null when unparseable. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return value > 0 && Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return null;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(m[1]) * unit;
  return seconds > 0 ? seconds : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isParamValue(v: unknown): v is ParamValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

/** The closest candidate by edit distance, for "did you mean" hints (longer words allow more edits). */
function closest(word: string, candidates: readonly string[]): string | null {
  return nearestName(word, candidates, Math.max(2, Math.floor(word.length / 3)));
}

export interface SpecOptions {
  /** Relative policy and trace paths resolve against this folder (the spec file's). */
  baseDir?: string;
}

/**
 * Checks a parsed YAML value and returns the spec, or the list of errors (`path: problem (fix)`).
 */
export function validateSpec(
  raw: unknown,
  source: string,
  options: SpecOptions = {},
): { spec: ExperimentSpec; errors: [] } | { spec: null; errors: string[] } {
  const errors: string[] = [];
  const baseDir = options.baseDir ?? process.cwd();
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (!isRecord(raw)) {
    return { spec: null, errors: ['(root): expected a mapping with name, arms, seeds, duration, baseline'] };
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key)) {
      const hint = closest(key, TOP_KEYS);
      errors.push(
        `${key}: unknown field${hint ? ` (did you mean "${hint}"?)` : ''} (allowed: ${TOP_KEYS.join(', ')})`,
      );
    }
  }

  const name = raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    errors.push('name: required, letters, digits, ".", "_" or "-" (e.g. name: flash-sale)');
  }
  const description = typeof raw.description === 'string' ? raw.description : '';

  let scenario: string | null = null;
  let trace: TraceSpec | null = null;
  // A trace replaces the scenario's arrivals; the scenario still supplies the gateway (policy,
  // tenants, backends), so both may be given.
  if (raw.scenario !== undefined) {
    if (typeof raw.scenario !== 'string' || raw.scenario === '') {
      errors.push('scenario: expected a scenario name (e.g. scenario: flash-sale)');
    } else scenario = raw.scenario;
  }
  if (raw.trace !== undefined) {
    const t = typeof raw.trace === 'string' ? { file: raw.trace } : raw.trace;
    if (!isRecord(t) || typeof t.file !== 'string') {
      errors.push('trace.file: expected the path of a trace CSV (e.g. trace: {file: trace.csv})');
    } else {
      const speedup = t.speedup ?? 1;
      const scale = t.scale ?? 1;
      if (typeof speedup !== 'number' || speedup <= 0) errors.push('trace.speedup: expected a number > 0');
      if (typeof scale !== 'number' || scale <= 0) errors.push('trace.scale: expected a number > 0');
      trace = { file: abs(t.file), speedup: Number(speedup), scale: Number(scale) };
    }
  }
  if (raw.scenario === undefined && raw.trace === undefined) {
    errors.push(
      'scenario: required: a scenario name (scenario: flash-sale) or a trace (trace: {file: x.csv})',
    );
  }

  const durationSeconds = parseDuration(raw.duration);
  if (durationSeconds === null) {
    errors.push(
      `duration: expected seconds or a duration like 30m, 2h (got ${JSON.stringify(raw.duration)})`,
    );
  }
  const intervalSeconds = raw.interval === undefined ? 10 : parseDuration(raw.interval);
  if (intervalSeconds === null) errors.push('interval: expected a duration like 10s');

  const seeds = parseSeeds(raw.seeds, errors);
  const arms = parseArms(raw.arms, errors, abs);
  const grid = parseGrid(raw.grid, errors);
  const metrics = parseMetrics(raw.metrics, errors);

  const armNames = arms.map((a) => a.name);
  let baseline = '';
  if (typeof raw.baseline !== 'string') {
    errors.push(`baseline: required: the name of one arm (one of ${armNames.join(', ') || 'the arms'})`);
  } else if (!armNames.includes(raw.baseline)) {
    const hint = closest(raw.baseline, armNames);
    errors.push(
      `baseline: no arm named "${raw.baseline}"${hint ? ` (did you mean "${hint}"?)` : ''} (arms: ${armNames.join(', ')})`,
    );
  } else baseline = raw.baseline;

  const runner = raw.runner ?? 'simulator';
  if (runner !== 'simulator' && runner !== 'stand-in') {
    errors.push(`runner: unknown runner ${JSON.stringify(runner)} (expected simulator or stand-in)`);
  }

  if (errors.length > 0) return { spec: null, errors };
  return {
    spec: {
      name: name as string,
      description,
      scenario,
      trace,
      durationSeconds: durationSeconds as number,
      intervalSeconds: intervalSeconds as number,
      seeds,
      arms,
      grid,
      metrics,
      baseline,
      runner: runner as 'simulator' | 'stand-in',
      source,
    },
    errors: [],
  };
}

function parseSeeds(raw: unknown, errors: string[]): number[] {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 2) {
    return Array.from({ length: raw }, (_, i) => i + 1);
  }
  if (Array.isArray(raw) && raw.length >= 2) {
    const bad = raw.findIndex((s) => !Number.isInteger(s) || s < 0);
    if (bad >= 0) {
      errors.push(`seeds[${bad}]: expected a non-negative integer (got ${JSON.stringify(raw[bad])})`);
      return [];
    }
    if (new Set(raw).size !== raw.length) errors.push('seeds: seeds must be distinct');
    return raw as number[];
  }
  errors.push(
    'seeds: expected a count >= 2 (seeds: 10) or a list of at least 2 integers (paired tests need pairs)',
  );
  return [];
}

function parseArms(raw: unknown, errors: string[], abs: (p: string) => string): ArmSpec[] {
  if (!Array.isArray(raw) || raw.length < 2) {
    errors.push('arms: expected a list of at least 2 arms (e.g. - {name: static, mode: static})');
    return [];
  }
  const arms: ArmSpec[] = [];
  const seen = new Set<string>();
  raw.forEach((a, i) => {
    const at = `arms[${i}]`;
    if (!isRecord(a)) {
      errors.push(`${at}: expected a mapping with name and mode or policy`);
      return;
    }
    for (const key of Object.keys(a)) {
      if (!['name', 'mode', 'policy', 'params'].includes(key)) {
        errors.push(`${at}.${key}: unknown field (allowed: name, mode, policy, params)`);
      }
    }
    let mode: ControllerMode | null = null;
    if (a.mode !== undefined) {
      if (typeof a.mode === 'string' && (CONTROLLER_MODES as readonly string[]).includes(a.mode)) {
        mode = a.mode as ControllerMode;
      } else {
        errors.push(
          `${at}.mode: unknown mode ${JSON.stringify(a.mode)} (expected one of ${CONTROLLER_MODES.join(', ')})`,
        );
      }
    }
    let policy: string | null = null;
    if (a.policy !== undefined) {
      if (typeof a.policy !== 'string' || a.policy === '') {
        errors.push(`${at}.policy: expected the path of a policy file`);
      } else policy = abs(a.policy);
    }
    if (a.mode === undefined && a.policy === undefined) {
      errors.push(`${at}: give a mode (${CONTROLLER_MODES.join(', ')}) or a policy file`);
    }
    const name = a.name ?? (typeof a.mode === 'string' ? a.mode : undefined);
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
      errors.push(`${at}.name: expected a name of letters, digits, ".", "_" or "-"`);
    } else if (seen.has(name)) {
      errors.push(`${at}.name: duplicate arm name "${name}" (each arm needs its own name)`);
    } else seen.add(name);
    const params: Params = {};
    if (a.params !== undefined) {
      if (!isRecord(a.params)) errors.push(`${at}.params: expected a mapping of parameter: value`);
      else {
        for (const [k, v] of Object.entries(a.params)) {
          if (isParamValue(v)) params[k] = v;
          else errors.push(`${at}.params.${k}: expected a number, string or boolean`);
        }
      }
    }
    arms.push({ name: String(name), mode, policy, params });
  });
  return arms;
}

function parseGrid(raw: unknown, errors: string[]): Record<string, ParamValue[]> {
  if (raw === undefined) return {};
  if (!isRecord(raw)) {
    errors.push('grid: expected a mapping of parameter: [values] (e.g. grid: {canaryFraction: [0.05, 0.1]})');
    return {};
  }
  const grid: Record<string, ParamValue[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!Array.isArray(v) || v.length === 0 || !v.every(isParamValue)) {
      errors.push(`grid.${k}: expected a non-empty list of numbers, strings or booleans`);
    } else grid[k] = v as ParamValue[];
  }
  return grid;
}

function parseMetrics(raw: unknown, errors: string[]): MetricSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    errors.push('metrics: expected a list of run summary fields (e.g. [latencyMs.p99, costUsd, goodputRps])');
    return [];
  }
  const out: MetricSpec[] = [];
  raw.forEach((m, i) => {
    const name = typeof m === 'string' ? m : isRecord(m) ? m.name : undefined;
    const given = isRecord(m) ? m.better : undefined;
    if (typeof name !== 'string') {
      errors.push(`metrics[${i}]: expected a field name or {name, better: lower|higher}`);
      return;
    }
    if (given !== undefined && given !== 'lower' && given !== 'higher') {
      errors.push(`metrics[${i}].better: expected lower or higher`);
      return;
    }
    const better = (given as 'lower' | 'higher' | undefined) ?? metricDirection(name);
    if (better === null) {
      errors.push(
        `metrics[${i}]: unknown metric "${name}": say which way is better ({name: ${name}, better: lower})`,
      );
      return;
    }
    out.push({ name, better });
  });
  return out;
}

/** Parses and validates YAML text; throws SLUICE_CONFIG_INVALID listing every error. */
export function parseSpec(text: string, options: SpecOptions = {}): ExperimentSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `experiment spec: not valid YAML: ${(e as Error).message}`,
    );
  }
  const result = validateSpec(raw, text, options);
  if (result.spec === null) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `experiment spec is invalid:\n  ${result.errors.join('\n  ')}`,
      result.errors,
    );
  }
  return result.spec;
}

export function loadSpec(file: string): ExperimentSpec {
  return parseSpec(readFileSync(file, 'utf8'), { baseDir: dirname(resolve(file)) });
}
