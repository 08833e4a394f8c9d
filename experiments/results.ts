/**
 * The results of an experiment, OUT/results.json: what ran (spec, code version, every run's
 * key) and the statistics. Run outputs stay in OUT/runs/<key>.json; the report reads both, so
 * `sluice report DIR` can rebuild everything from the folder alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../gateway-core/errors.js';
import type { PlannedRun } from './run-plan.js';
import type { RunStore, StoredRun } from './run-store.js';
import type { ExperimentSpec } from './spec.js';
import { analyse, type ExperimentStats } from './stats.js';

export interface RunIndexEntry {
  key: string;
  arm: string;
  seed: number;
  gridKey: string;
  grid: Record<string, number | string | boolean>;
  ranBy: string;
}

export interface ExperimentResults {
  experiment: string;
  description: string;
  codeVersion: string;
  spec: Omit<ExperimentSpec, 'source'>;
  specSource: string;
  runs: RunIndexEntry[];
  stats: ExperimentStats;
}

export function buildResults(
  spec: ExperimentSpec,
  plan: readonly PlannedRun[],
  store: RunStore,
  codeVersion: string,
): ExperimentResults {
  const stored = new Map<string, StoredRun>();
  for (const p of plan) if (!stored.has(p.key)) stored.set(p.key, store.read(p.key));
  const runs = plan.map((p) => ({
    key: p.key,
    arm: p.arm,
    seed: p.seed,
    gridKey: p.gridKey,
    grid: p.grid,
    ranBy: stored.get(p.key)!.ranBy,
  }));
  const stats = analyse(
    plan.map((p) => ({
      arm: p.arm,
      gridKey: p.gridKey,
      grid: p.grid,
      seed: p.seed,
      summary: stored.get(p.key)!.output.summary,
    })),
    spec.metrics,
    spec.baseline,
  );
  const { source, ...rest } = spec;
  return {
    experiment: spec.name,
    description: spec.description,
    codeVersion,
    spec: rest,
    specSource: source,
    runs,
    stats,
  };
}

export function writeResults(outDir: string, results: ExperimentResults): string {
  const file = join(outDir, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export function readResults(outDir: string): ExperimentResults {
  const file = join(outDir, 'results.json');
  if (!existsSync(file)) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${file} not found: run the experiment first (sluice experiment run SPEC --out ${outDir})`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as ExperimentResults;
}
