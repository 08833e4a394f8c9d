/**
 * The plan of an experiment: every (arm, grid point, seed), each with a key that is a hash of
 * the slice of the spec that determines the run plus the code version. The arm's name is not
 * part of it (renaming an arm reuses its runs); policy and trace files enter by their content
 * (policy) or size and modification time (trace, which can be large).
 *
 *   key = sha256(canonical JSON of {codeVersion, runner, scenario, trace, duration, interval,
 *                                    seed, mode, policy content hash, effective params})[0:24]
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RunRequest } from './arm-runner.js';
import type { ExperimentSpec, ParamValue, Params } from './spec.js';
import { gridKeyOf } from './stats.js';

export interface PlannedRun {
  key: string;
  arm: string;
  seed: number;
  grid: Params;
  gridKey: string;
  request: RunRequest;
}

/** Every combination of the grid's values (one empty point when there is no grid). */
export function gridPoints(grid: Record<string, ParamValue[]>): Params[] {
  let points: Params[] = [{}];
  for (const [k, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  }
  return points;
}

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function fileIdentity(path: string | null, content: boolean): string | null {
  if (path === null) return null;
  if (!existsSync(path)) return `missing:${path}`;
  if (content) return sha256(readFileSync(path));
  const st = statSync(path);
  return `${st.size}:${Math.floor(st.mtimeMs)}`;
}

export function planRuns(spec: ExperimentSpec, codeVersion: string): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const traceId = spec.trace ? fileIdentity(spec.trace.file, false) : null;
  for (const arm of spec.arms) {
    const policyId = fileIdentity(arm.policy, true);
    for (const grid of gridPoints(spec.grid)) {
      for (const seed of spec.seeds) {
        const request: RunRequest = {
          experiment: spec.name,
          scenario: spec.scenario,
          trace: spec.trace,
          durationSeconds: spec.durationSeconds,
          intervalSeconds: spec.intervalSeconds,
          seed,
          arm,
          grid,
        };
        const slice = {
          codeVersion,
          runner: spec.runner,
          scenario: spec.scenario,
          trace: spec.trace ? { ...spec.trace, id: traceId } : null,
          duration: spec.durationSeconds,
          interval: spec.intervalSeconds,
          seed,
          mode: arm.mode,
          policy: policyId,
          params: { ...arm.params, ...grid },
        };
        const key = sha256(canonicalJson(slice)).slice(0, 24);
        runs.push({ key, arm: arm.name, seed, grid, gridKey: gridKeyOf(grid), request });
      }
    }
  }
  return runs;
}
