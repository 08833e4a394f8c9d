/**
 * `npm run experiments`: runs every shipped spec (experiments/specs/*.yaml) and writes its
 * report to out/experiments/<name>/. Resumable like any experiment: a rerun only runs what
 * changed. Options: --only NAME[,NAME], --workers N, --runner stand-in|simulator (overrides
 * the specs' runner, e.g. for a quick look with the stand-in model), --out DIR, --screenshots
 * DIR (PNG screenshots of each report, as in experiments/screenshots/).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isSluiceError } from '../gateway-core/errors.js';
import { codeVersion } from './code-version.js';
import { createProgress } from './progress.js';
import { screenshotReport } from './report/screenshot.js';
import { writeReport } from './report/write-report.js';
import { InlineExecutor, type RunExecutor } from './run-executor.js';
import { runExperiment } from './runner.js';
import type { ExperimentSpec } from './spec.js';
import { listSpecs, packageRoot } from './spec-catalogue.js';
import { ThreadPoolExecutor } from './thread-pool-executor.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    workers: { type: 'string' },
    runner: { type: 'string' },
    out: { type: 'string', default: join('out', 'experiments') },
    screenshots: { type: 'string' },
  },
});
const runner = values.runner;
if (runner !== undefined && runner !== 'stand-in' && runner !== 'simulator') {
  process.stderr.write(`--runner: expected stand-in or simulator, got ${runner}\n`);
  process.exit(2);
}
const only = values.only?.split(',');
const workers = values.workers === undefined ? undefined : Number(values.workers);
const version = codeVersion(packageRoot());
let failed = 0;
for (const entry of listSpecs()) {
  if (entry.spec === null) {
    process.stderr.write(`${entry.file}: ${entry.error}\n`);
    failed++;
    continue;
  }
  const spec: ExperimentSpec =
    runner === 'stand-in' || runner === 'simulator' ? { ...entry.spec, runner } : entry.spec;
  if (only && !only.includes(spec.name)) continue;
  const outDir = join(values.out ?? '', spec.name);
  const executor: RunExecutor = workers === 0 ? new InlineExecutor() : new ThreadPoolExecutor(workers);
  try {
    const outcome = await runExperiment(spec, {
      outDir,
      executor,
      codeVersion: version,
      progress: createProgress({ now: () => Date.now(), title: spec.name }),
    });
    const files = writeReport(outDir);
    process.stdout.write(
      `${spec.name}: ${outcome.executed} runs (${outcome.cached} cached)\n  ${files.headline}\n  ${files.html}\n`,
    );
    if (values.screenshots) {
      const errors = await screenshotReport(files.html, join(values.screenshots, spec.name));
      if (errors.length > 0)
        throw new Error(`${spec.name}: the report logged errors in Chromium: ${errors.join('; ')}`);
    }
  } catch (e) {
    failed++;
    process.stderr.write(`${spec.name}: ${isSluiceError(e) ? e.message : (e as Error).stack}\n`);
  } finally {
    await executor.close();
  }
}
process.exitCode = failed > 0 ? 1 : 0;
