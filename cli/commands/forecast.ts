/** `sluice forecast backtest|compare|train|update|predict`: demand forecasting over series CSVs. Delegates to models/. */
import type { HoltWintersBlend } from '../../models/forecaster/holt-winters-blend.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { holidaysFlag } from '../../datasets/series/holiday-calendar.js';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { scenarioTable } from '../../models/eval/scenario-table.js';
import { FORECAST_UNITS, type ForecastUnits } from '../../models/forecaster/forecast-units.js';
import { FORECASTERS } from '../../models/registry.js';
import {
  backtestSeriesFile,
  compareSeriesFile,
  predictSeriesFile,
  startBackend,
  trainSeriesFile,
  updateSeriesFile,
} from '../../models/series-jobs.js';
import type { ProgressCallback } from '../../models/forecaster.js';
import { jobProgress } from '../job-progress.js';

interface ForecastArgs {
  input: string;
  output?: string;
  horizon: number;
  step?: number;
  model: string;
  holdout: number;
  modelDir?: string;
  epochs?: number;
  backend?: string;
  json?: string;
  holidays?: string;
  units: ForecastUnits;
}

const unitsOption = {
  type: 'string',
  choices: FORECAST_UNITS as unknown as string[],
  default: 'linear',
  describe:
    'units the neural forecaster learns in: linear, log (demand whose swing scales with its level; every training value must be > 0) or auto (log where every training value is > 0)',
} as const;

const holidaysOption = {
  type: 'string',
  describe:
    "holidays: dates (YYYY-MM-DD, future ones too) and public calendars ('us' federal, 'england' bank holidays), comma-separated or a file of one per line; the neural forecaster treats each day like the weekday it behaves like",
} as const;

/** Starts the backend, then runs the job with a progress bar (TTY) or periodic lines. */
async function withProgress<T>(
  argv: ForecastArgs,
  command: string,
  job: (progress: ProgressCallback) => Promise<T>,
): Promise<T> {
  await startBackend(argv.backend);
  const progress = jobProgress(`sluice forecast ${command}`);
  return job(progress.report).finally(() => progress.stop());
}

const holdoutOption = {
  type: 'number',
  default: 0.2,
  describe: 'fraction of the series (at its end) to backtest',
} as const;

const common = (y: Argv) =>
  y
    .option('input', { type: 'string', demandOption: true, describe: 'series CSV (timestamp,value)' })
    .option('backend', { type: 'string', describe: 'TF.js backend: auto|tensorflow|webgpu|wasm|cpu' });

const backtest: CommandModule<object, ForecastArgs> = {
  command: 'backtest',
  describe: 'Rolling-origin forecasts (origin,timestamp,p50,p90); each origin sees only data up to it',
  builder: (y: Argv) =>
    common(y)
      .option('output', { type: 'string', demandOption: true })
      .option('horizon', { type: 'number', default: 60 })
      .option('step', { type: 'number', describe: 'origins every S points (default: the horizon)' })
      .option('model', { type: 'string', default: 'neural-mlp', choices: FORECASTERS as unknown as string[] })
      .option('holdout', holdoutOption)
      .option('holidays', holidaysOption)
      .option('units', unitsOption)
      .example('$0 forecast backtest --input rps.csv --horizon 30 --step 10 --output preds.csv', '')
      .example(
        '$0 forecast backtest --input rps.csv --horizon 60 --model holt-winters-daily --output hw.csv',
        '',
      ) as unknown as Argv<ForecastArgs>,
  handler: async (argv) => {
    // Checked before any work starts: a bad entry is named.
    const holidays = holidaysFlag(argv.holidays);
    const r = await withProgress(argv, 'backtest', (progress) =>
      backtestSeriesFile({
        holidays,
        units: argv.units,
        input: argv.input,
        output: argv.output!,
        model: argv.model,
        horizon: argv.horizon,
        step: argv.step ?? argv.horizon,
        holdout: argv.holdout,
        progress,
      }),
    );
    process.stderr.write(
      `sluice forecast backtest: ${r.origins} origins, MASE(naive scale) ${r.mase.toFixed(3)}, p90 coverage ${r.coverage90.toFixed(3)} -> ${argv.output}\n`,
    );
  },
};

const compare: CommandModule<object, ForecastArgs> = {
  command: 'compare',
  describe:
    'Backtest the neural forecaster beside the naive, seasonal naive and Holt-Winters baselines: MASE, sMAPE, pinball, p90 coverage, and the ratio to the best baseline with its 95% interval and a Diebold-Mariano test',
  builder: (y: Argv) =>
    common(y)
      .option('horizon', { type: 'number', default: 60 })
      .option('step', {
        type: 'number',
        describe: 'origins every S points (default: a tenth of the horizon)',
      })
      .option('holdout', holdoutOption)
      .option('json', { type: 'string', describe: 'also write the results as JSON to this file' })
      .option('holidays', holidaysOption)
      .option('units', unitsOption)
      .example(
        '$0 forecast compare --input demand.csv --horizon 48 --step 6',
        '',
      ) as unknown as Argv<ForecastArgs>,
  handler: async (argv) => {
    // Checked before any work starts: a bad entry is named.
    const holidays = holidaysFlag(argv.holidays);
    const r = await withProgress(argv, 'compare', (progress) =>
      compareSeriesFile({
        holidays,
        units: argv.units,
        input: argv.input,
        horizon: argv.horizon,
        step: argv.step ?? Math.max(1, Math.floor(argv.horizon / 10)),
        holdout: argv.holdout,
        progress,
        clock: () => performance.now(),
      }),
    );
    process.stdout.write(`${scenarioTable([r]).join('\n')}\n`);
    if (argv.json) {
      mkdirSync(dirname(argv.json), { recursive: true });
      writeFileSync(argv.json, `${JSON.stringify(r, null, 2)}\n`);
      process.stderr.write(`sluice forecast compare: JSON -> ${argv.json}\n`);
    }
  },
};

const train: CommandModule<object, ForecastArgs> = {
  command: 'train',
  describe: 'Train the neural forecaster on a series and save it as a directory',
  builder: (y: Argv) =>
    common(y)
      .option('model-dir', { type: 'string', demandOption: true })
      .option('horizon', { type: 'number', default: 60 })
      .option('epochs', { type: 'number' })
      .option('holidays', holidaysOption)
      .option('units', unitsOption)
      .example(
        '$0 forecast train --input rps.csv --model-dir models/rps',
        '',
      ) as unknown as Argv<ForecastArgs>,
  handler: async (argv) => {
    // Checked before any work starts: a bad entry is named.
    const holidays = holidaysFlag(argv.holidays);
    const r = await withProgress(argv, 'train', (progress) =>
      trainSeriesFile({
        holidays,
        units: argv.units,
        input: argv.input,
        modelDir: argv.modelDir!,
        horizon: argv.horizon,
        epochs: argv.epochs,
        progress,
      }),
    );
    process.stderr.write(
      `sluice forecast train: ${r.windows} windows, ${r.epochs} epochs, p50 ${blendText(r.blend)}, learnt in ${r.units} units -> ${argv.modelDir}\n`,
    );
  },
};

const update: CommandModule<object, ForecastArgs> = {
  command: 'update',
  describe: 'Online update of a saved model with the points after its data span (full retraining: train)',
  builder: (y: Argv) =>
    common(y)
      .option('model-dir', { type: 'string', demandOption: true })
      .option('epochs', { type: 'number', describe: 'epochs on the new windows (default 3)' })
      .example(
        '$0 forecast update --input rps.csv --model-dir models/rps',
        'rps.csv = the training series with new points appended',
      ) as unknown as Argv<ForecastArgs>,
  handler: async (argv) => {
    await startBackend(argv.backend);
    const r = await updateSeriesFile({ input: argv.input, modelDir: argv.modelDir!, epochs: argv.epochs });
    process.stderr.write(
      `sluice forecast update: ${r.newPoints} new points, ${r.epochs} epochs, data to ${r.end} -> ${argv.modelDir}\n`,
    );
  },
};

const predict: CommandModule<object, ForecastArgs> = {
  command: 'predict',
  describe: "Forecast the horizon after a series' last point with a saved model",
  builder: (y: Argv) =>
    common(y)
      .option('model-dir', { type: 'string', demandOption: true })
      .option('output', { type: 'string', demandOption: true })
      .option('horizon', { type: 'number', describe: 'at most the trained horizon' })
      .option('holidays', {
        ...holidaysOption,
        describe: `${holidaysOption.describe} (added to those it was trained with)`,
      })
      .example(
        '$0 forecast predict --input rps.csv --model-dir models/rps --output next.csv',
        '',
      ) as unknown as Argv<ForecastArgs>,
  handler: async (argv) => {
    // Checked before any work starts: a bad entry is named.
    const holidays = holidaysFlag(argv.holidays);
    await startBackend(argv.backend);
    const r = await predictSeriesFile({
      holidays,
      input: argv.input,
      modelDir: argv.modelDir!,
      output: argv.output!,
      horizon: argv.horizon,
    });
    process.stderr.write(`sluice forecast predict: ${r.rows} rows -> ${argv.output}\n`);
  },
};

export const forecastCommand: CommandModule<object, object> = {
  command: 'forecast',
  describe:
    'Demand forecasting: backtest a model, compare the neural one with the baselines, train and save it, update it online, predict with it',
  builder: (y: Argv) =>
    y
      .command(backtest)
      .command(compare)
      .command(train)
      .command(update)
      .command(predict)
      .demandCommand(1)
      .example(
        '$0 forecast backtest --input rps.csv --horizon 30 --output preds.csv',
        'rolling-origin backtest',
      )
      .example('$0 forecast train --input rps.csv --model-dir out/rps-model', 'train and save'),
  handler: () => {},
};

/** How the saved p50 is made, for the train summary. */
function blendText(blend: HoltWintersBlend | null): string {
  if (!blend) return "the network's own";
  return `${1 - blend.weight} network + ${blend.weight} Holt-Winters (season ${blend.period} points)`;
}
