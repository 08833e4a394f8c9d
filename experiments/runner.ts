/**
 * Runs an experiment: plan every (arm, grid point, seed), skip the runs whose key already has a
 * result in OUT/runs/, execute the rest on the executor with at most its parallelism in flight,
 * store each result as it lands (so an interrupted experiment resumes where it stopped), then
 * compute the statistics and write OUT/results.json. Paired by construction: every arm gets
 * the same seeds.
 */
import { SluiceError } from '../gateway-core/errors.js';
import type { ProgressSink } from './progress.js';
import { buildResults, type ExperimentResults, writeResults } from './results.js';
import type { RunExecutor } from './run-executor.js';
import { type PlannedRun, planRuns } from './run-plan.js';
import { RunStore } from './run-store.js';
import type { ExperimentSpec } from './spec.js';

export interface RunExperimentOptions {
  outDir: string;
  executor: RunExecutor;
  codeVersion: string;
  progress?: ProgressSink;
}

export interface ExperimentOutcome {
  results: ExperimentResults;
  resultsFile: string;
  /** Runs executed now, and runs found already done. */
  executed: number;
  cached: number;
}

export async function runExperiment(
  spec: ExperimentSpec,
  options: RunExperimentOptions,
): Promise<ExperimentOutcome> {
  const plan = planRuns(spec, options.codeVersion);
  const store = new RunStore(options.outDir);
  const unique = new Map<string, PlannedRun>();
  for (const p of plan) if (!unique.has(p.key)) unique.set(p.key, p);
  const todo = [...unique.values()].filter((p) => !store.has(p.key));
  const cached = unique.size - todo.length;
  options.progress?.start(unique.size, cached);
  const failures: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length) {
      const p = todo[next++];
      try {
        const { output, ranBy } = await options.executor.execute({
          runner: spec.runner,
          key: p.key,
          request: p.request,
        });
        store.write({ key: p.key, codeVersion: options.codeVersion, request: p.request, output, ranBy });
      } catch (e) {
        failures.push(
          `${p.arm} seed ${p.seed}${p.gridKey === '-' ? '' : ` [${p.gridKey}]`}: ${(e as Error).message}`,
        );
      }
      options.progress?.tick(`${p.arm} seed ${p.seed}`);
    }
  };
  const lanes = Math.max(1, Math.min(options.executor.parallelism, todo.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  options.progress?.stop();
  if (failures.length > 0) {
    throw new SluiceError(
      'SLUICE_INTERNAL',
      `${failures.length} of ${todo.length} runs failed (the others are saved; rerun to retry):\n  ${failures.join('\n  ')}`,
      failures,
    );
  }
  const results = buildResults(spec, plan, store, options.codeVersion);
  const resultsFile = writeResults(options.outDir, results);
  return { results, resultsFile, executed: todo.length, cached };
}
