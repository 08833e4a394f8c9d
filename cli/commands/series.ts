/** `sluice series`: a trace CSV as a demand series CSV (timestamp,value), for forecast and detect. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { seriesCsv } from '../../datasets/series/series-csv.js';
import { TRACE_METRICS, type TraceMetric, traceToSeries } from '../../datasets/series/trace-series.js';
import { parseColumnMap } from '../../datasets/traces/trace-format.js';
import { SluiceError } from '../../gateway-core/errors.js';
import { parseDurationMs } from '../../gateway-core/policy/duration.js';
import type { Duration } from '../../gateway-core/policy/schema.js';

function bucketMs(flag: string): number {
  try {
    return parseDurationMs(flag as Duration);
  } catch (e) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `--bucket: ${(e as Error).message}`);
  }
}

interface SeriesArgs {
  trace: string;
  'trace-columns'?: string;
  metric: TraceMetric;
  bucket: string;
  output: string;
}

export const seriesCommand: CommandModule<object, SeriesArgs> = {
  command: 'series',
  describe: 'Aggregate a trace CSV into a demand series CSV: requests or tokens per bucket',
  builder: (y: Argv) =>
    y
      .option('trace', {
        type: 'string',
        demandOption: true,
        describe: 'trace CSV (Azure, BurstGPT, or any CSV with --trace-columns)',
      })
      .option('trace-columns', { type: 'string', describe: 'column map: time=...,input=...,output=...' })
      .option('metric', {
        type: 'string',
        default: 'requests',
        choices: TRACE_METRICS as unknown as string[],
      })
      .option('bucket', { type: 'string', default: '1m', describe: 'bucket length (10s, 1m, 1h, ...)' })
      .option('output', { type: 'string', demandOption: true, describe: 'series CSV to write' })
      .example(
        '$0 series --trace AzureLLMInferenceTrace_conv.csv --metric tokens --bucket 10s --output conv-tokens.csv',
        'tokens per 10 s',
      ) as unknown as Argv<SeriesArgs>,
  handler: async (argv) => {
    const columns = argv['trace-columns'] !== undefined ? parseColumnMap(argv['trace-columns']) : undefined;
    const series = await traceToSeries(argv.trace, argv.metric, bucketMs(argv.bucket), columns);
    mkdirSync(dirname(argv.output), { recursive: true });
    writeFileSync(argv.output, seriesCsv(series));
    process.stderr.write(
      `sluice series: ${series.values.length} buckets of ${argv.bucket}, ${argv.metric} -> ${argv.output}\n`,
    );
  },
};
