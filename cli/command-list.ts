/**
 * Every `sluice` command, in the order `--help` lists them. Each command's module is loaded only
 * when that command runs (some pull in TensorFlow.js, fastify or BullMQ), so `sluice --help`
 * and every command start fast.
 */
import type { CommandModule } from 'yargs';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types.
export type AnyCommand = CommandModule<any, any>;

export interface CommandEntry {
  /** The first word on the command line. */
  readonly name: string;
  readonly usage: string;
  readonly describe: string;
  readonly examples: readonly [string, string][];
  readonly load: () => Promise<AnyCommand>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'simulate',
    usage: 'simulate',
    describe: 'Run a scenario in the simulator (virtual clock, real policy engine) and summarise it',
    examples: [
      ['$0 simulate --scenario steady', 'the baseline scenario on embedded defaults'],
      [
        '$0 simulate --scenario flash-sale --duration 1h --seed 7 --json out/run.json',
        'a case study, summary as JSON',
      ],
      [
        '$0 simulate --scenario steady --trace ../shared/datasets/azure-llm-2023/AzureLLMInferenceTrace_conv.csv',
        'replay a real trace',
      ],
    ],
    load: async () => (await import('./commands/simulate.js')).simulateCommand,
  },
  {
    name: 'gateway',
    usage: 'gateway',
    describe: 'Run the HTTP gateway (OpenAI-compatible proxy with the policy engine)',
    examples: [
      ['$0 gateway --upstream http://127.0.0.1:8000 --rpm 60', 'quick start: one upstream, per-key limits'],
      [
        '$0 gateway --config examples/policy.yaml --redis redis://127.0.0.1:6379',
        'full policy, limits shared through Redis',
      ],
    ],
    load: async () => (await import('./commands/gateway.js')).gatewayCommand,
  },
  {
    name: 'controller',
    usage: 'controller',
    describe:
      'Run the adaptive controller against live gateways (InfluxDB telemetry, admin API, Redis leader lock)',
    examples: [
      [
        '$0 controller --gateway http://127.0.0.1:8080 --gateway http://127.0.0.1:8081 --influx http://127.0.0.1:8086 --redis redis://127.0.0.1:6379 --admin-token s3cret',
        'steer two gateways; a second controller on the same Redis stands by',
      ],
      [
        '$0 controller --gateway http://127.0.0.1:8080 --influx http://127.0.0.1:8086 --redis redis://127.0.0.1:6379 --admin-token s3cret --dry-run',
        'log proposals, change nothing',
      ],
    ],
    load: async () => (await import('./commands/controller.js')).controllerCommand,
  },
  {
    name: 'policy',
    usage: 'policy <command>',
    describe: 'Validate and compare policy documents (config as code)',
    examples: [
      ['$0 policy validate examples/policy.yaml', 'check a policy: every problem at once'],
      ['$0 policy diff old.yaml new.yaml', 'what a change would change'],
    ],
    load: async () => (await import('./commands/policy.js')).policyCommand,
  },
  {
    name: 'experiment',
    usage: 'experiment <command>',
    describe: 'Compare policies and controller modes over paired seeds, with statistics and a report',
    examples: [
      [
        '$0 experiment run experiments/specs/flash-sale.yaml --out out/flash-sale',
        'run and report an experiment',
      ],
    ],
    load: async () => (await import('./commands/experiment.js')).experimentCommand,
  },
  {
    name: 'report',
    usage: 'report <dir>',
    describe: "Rebuild an experiment's HTML, Markdown and JSON report from its results",
    examples: [['$0 report out/flash-sale', 'rebuild report.html from the stored runs']],
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'worker',
    usage: 'worker',
    describe: 'Run experiment jobs from a Redis queue (BullMQ) for submitters on any machine',
    examples: [['$0 worker --queue redis://127.0.0.1:6379', 'consume experiment runs from a shared queue']],
    load: async () => (await import('./commands/worker.js')).workerCommand,
  },
  {
    name: 'forecast',
    usage: 'forecast <command>',
    describe: 'Demand forecasting: backtest a model, train and save the neural one, predict with it',
    examples: [
      ['$0 forecast backtest --input series.csv --horizon 30 --output preds.csv', 'rolling-origin forecasts'],
    ],
    load: async () => (await import('./commands/forecast.js')).forecastCommand,
  },
  {
    name: 'series',
    usage: 'series',
    describe: 'Aggregate a trace CSV into a demand series CSV: requests or tokens per bucket',
    examples: [
      [
        '$0 series --trace AzureLLMInferenceTrace_conv.csv --metric tokens --bucket 10s --output conv-tokens.csv',
        'tokens per 10 s, ready for forecast and detect',
      ],
    ],
    load: async () => (await import('./commands/series.js')).seriesCommand,
  },
  {
    name: 'detect',
    usage: 'detect',
    describe: 'Score each row of a series CSV for anomalies (causal), writing timestamp,value,anomaly_score',
    examples: [['$0 detect --input series.csv --output scores.csv', 'anomaly scores in the NAB format']],
    load: async () => (await import('./commands/detect.js')).detectCommand,
  },
];
