/** `sluice detect`: causal anomaly scores for a series CSV (NAB format out). Delegates to models/. */
import type { Argv, CommandModule } from 'yargs';
import { DETECTORS } from '../../models/registry.js';
import { detectSeriesFile, startBackend } from '../../models/series-jobs.js';
import { jobProgress } from '../job-progress.js';

interface DetectArgs {
  input: string;
  output: string;
  detector: string;
  backend?: string;
}

export const detectCommand: CommandModule<object, DetectArgs> = {
  command: 'detect',
  describe: 'Score each row of a series CSV for anomalies (causal), writing timestamp,value,anomaly_score',
  builder: (y: Argv) =>
    y
      .option('input', { type: 'string', demandOption: true, describe: 'series CSV (timestamp,value)' })
      .option('output', { type: 'string', demandOption: true, describe: 'scores CSV to write' })
      .option('detector', {
        type: 'string',
        default: 'neural-residual',
        choices: DETECTORS as unknown as string[],
      })
      .option('backend', { type: 'string', describe: 'TF.js backend: auto|tensorflow|webgpu|wasm|cpu' })
      .example('$0 detect --input latency.csv --output scores.csv', 'learned detector, auto backend')
      .example(
        '$0 detect --input latency.csv --output scores.csv --detector robust-zscore',
        'rolling median/MAD baseline',
      ) as unknown as Argv<DetectArgs>,
  handler: async (argv) => {
    await startBackend(argv.backend);
    const progress = jobProgress('sluice detect');
    const r = await detectSeriesFile({
      input: argv.input,
      output: argv.output,
      detector: argv.detector,
      progress: progress.report,
    }).finally(() => progress.stop());
    for (const step of r.clockSteps) {
      process.stderr.write(
        `sluice detect: ${argv.input} line ${step.line}: timestamp ${step.backMs / 1000} s before the row above; scored one step after it, later rows moved the same (rows are scored in file order)\n`,
      );
    }
    process.stderr.write(`sluice detect: ${r.rows} rows scored by ${r.detector} -> ${argv.output}\n`);
  },
};
