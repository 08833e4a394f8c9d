/**
 * `sluice simulate`: runs a scenario in the discrete-event simulator and prints the run summary
 * (per tier and tenant), optionally writing it as JSON and the telemetry as JSONL. Thin: it
 * parses options and delegates to simulator/run-simulation.ts.
 *
 * `--policy` takes a policy FILE or a controller mode (static, reactive, gradient2, adaptive),
 * registered in CONTROLLER_MODES below.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { SluiceError } from '../../gateway-core/errors.js';
import { loadPolicyFile } from '../../gateway-core/policy/load.js';
import { parseColumnMap } from '../../datasets/traces/trace-format.js';
import { runSimulation, type SimulationOptions } from '../../simulator/run-simulation.js';
import { parseDurationMs } from '../../simulator/scenario/duration.js';
import type { Scenario } from '../../simulator/scenario/scenario.js';
import { loadScenario } from '../../simulator/scenario/scenario-loader.js';
import {
  CONTROLLER_MODE_NAMES,
  type ControllerHookup,
  hookController,
} from '../../experiments/controller-hookup.js';
import type { Params } from '../../experiments/spec.js';
import { formatSummary } from '../../simulator/summary-table.js';
import { openTelemetryOutput } from '../../simulator/telemetry-output.js';

/**
 * Controller modes by name: each attaches its controller to the run's options (onInterval and
 * telemetrySink, wired as experiments/controller-hookup.ts does for experiment arms) and returns
 * the hookup whose rollouts() become the summary's `rollouts`.
 */
export const CONTROLLER_MODES = new Map<
  string,
  (scenario: Scenario, options: SimulationOptions, params?: Params) => ControllerHookup
>(
  CONTROLLER_MODE_NAMES.map((m) => [
    m,
    (scenario, options, params) => hookController(m, scenario, options, params),
  ]),
);

/** `key=value` pairs for a controller mode's parameters: numbers and booleans parsed, else strings. */
export function parseControllerParams(pairs: readonly string[]): Params {
  const out: Params = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `--controller-param ${JSON.stringify(pair)}: expected key=value, e.g. forecaster=neural`,
      );
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    out[key] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : raw !== '' && Number.isFinite(Number(raw))
            ? Number(raw)
            : raw;
  }
  return out;
}

/** Where the command writes (tests swap these instead of patching process.stdout). */
export const simulateOutput = {
  out: (text: string): void => {
    process.stdout.write(text);
  },
  err: (text: string): void => {
    process.stderr.write(text);
  },
  isTTY: (): boolean => process.stderr.isTTY === true,
};

interface SimulateArgs {
  scenario: string;
  trace?: string;
  'trace-columns'?: string;
  'trace-speedup': number;
  'trace-scale': number;
  'trace-tenants'?: string;
  policy?: string;
  duration?: string;
  seed: number;
  set: string[];
  'controller-param': string[];
  json?: string;
  telemetry?: string;
  progress: boolean;
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate',
  describe: 'Run a scenario in the simulator (virtual clock, real policy engine) and summarise it',
  builder: (y: Argv) =>
    y
      .option('scenario', {
        type: 'string',
        demandOption: true,
        describe:
          'shipped scenario name (steady, mmc, cost-overrun, flash-sale, multi-tenant) or a YAML file',
      })
      .option('trace', {
        type: 'string',
        describe:
          'replay a trace CSV (Azure, BurstGPT, or any CSV with --trace-columns) instead of the synthetic arrivals',
      })
      .option('trace-columns', {
        type: 'string',
        describe: 'column map for other CSVs: time=COL,input=COL,output=COL[,tenant=COL][,model=COL]',
      })
      .option('trace-speedup', { type: 'number', default: 1, describe: 'compress trace time by this factor' })
      .option('trace-scale', {
        type: 'number',
        default: 1,
        describe: 'thin (<1) or replicate (>1) trace arrivals',
      })
      .option('trace-tenants', {
        type: 'string',
        choices: ['weights', 'round-robin', 'column'],
        describe:
          "how trace rows get tenants: the scenario's weights, round robin, or the trace's tenant column",
      })
      .option('policy', {
        type: 'string',
        describe: 'policy FILE replacing the scenario policy (controller modes: see CONTROLLER_MODES)',
      })
      .option('duration', {
        type: 'string',
        describe: 'simulated duration (e.g. 90s, 30m, 1h, 1d); the scenario’s by default',
      })
      .option('seed', {
        type: 'number',
        default: 1,
        describe: 'random seed: the same seed gives the same summary',
      })
      .option('set', {
        type: 'string',
        array: true,
        default: [],
        describe: 'override a scenario value: path=value (repeatable)',
      })
      .option('controller-param', {
        type: 'string',
        array: true,
        default: [],
        describe:
          'a parameter of the --policy controller mode: key=value (repeatable), e.g. forecaster=neural',
      })
      .option('json', { type: 'string', describe: 'write the run summary JSON here' })
      .option('telemetry', {
        type: 'string',
        describe: 'write interval telemetry records to FILE.jsonl or influx://host:port/database',
      })
      .option('progress', {
        type: 'boolean',
        default: true,
        describe: 'show progress (a bar on a TTY, periodic lines otherwise)',
      })
      .example('$0 simulate --scenario steady --duration 10m', 'the plain baseline for ten simulated minutes')
      .example(
        '$0 simulate --scenario flash-sale --json out/flash.json',
        'a 5x spike on GPU instances; write the summary',
      )
      .example(
        '$0 simulate --scenario mmc --set servers=4 --set arrivalRate=3.2 --duration 1d',
        'an M/M/4 queue at 80% load',
      )
      .example(
        '$0 simulate --scenario steady --trace AzureLLMInferenceTrace_conv.csv --trace-speedup 4',
        'replay the Azure conversation trace four times faster',
      )
      .example(
        '$0 simulate --scenario multi-tenant --telemetry out/mt.jsonl',
        'keep the 10 s telemetry records',
      ) as unknown as Argv<SimulateArgs>,
  handler: async (argv) => {
    const sets =
      argv['trace-tenants'] !== undefined
        ? [...argv.set, `workload.traceTenants=${argv['trace-tenants']}`]
        : argv.set;
    const scenario = loadScenario(argv.scenario, sets);
    const durationMs =
      argv.duration !== undefined ? parseDurationMs(argv.duration, '--duration') : scenario.durationMs;
    const options: SimulationOptions = { seed: argv.seed, durationMs, wallClock: () => performance.now() };
    let controller: ControllerHookup | null = null;
    if (argv.policy !== undefined) {
      const mode = CONTROLLER_MODES.get(argv.policy);
      if (mode !== undefined) {
        controller = mode(scenario, options, parseControllerParams(argv['controller-param']));
        options.policyName = argv.policy;
      } else if (['static', 'reactive', 'gradient2', 'adaptive'].includes(argv.policy)) {
        throw new SluiceError(
          'SLUICE_CONFIG_INVALID',
          `--policy ${argv.policy}: this controller mode is not available in this build; pass a policy FILE`,
        );
      } else {
        options.policyDoc = loadPolicyFile(argv.policy);
        options.policyName = argv.policy;
      }
    }
    if (argv.trace !== undefined) {
      options.trace = {
        file: argv.trace,
        speedup: argv['trace-speedup'],
        scale: argv['trace-scale'],
        columns: argv['trace-columns'] !== undefined ? parseColumnMap(argv['trace-columns']) : undefined,
      };
    }
    const telemetry = argv.telemetry !== undefined ? openTelemetryOutput(argv.telemetry) : null;
    if (telemetry !== null) {
      // Keep any sink already attached (a controller mode reads telemetry too).
      const previous = options.telemetrySink;
      options.telemetrySink = (records) => {
        previous?.(records);
        telemetry.sink(records);
      };
    }
    const stopProgress = argv.progress ? progressReporter(options, durationMs) : () => {};
    const summary = await runSimulation(scenario, options);
    if (controller !== null) summary.rollouts.push(...controller.rollouts());
    stopProgress();
    if (telemetry !== null) {
      const t = await telemetry.close();
      simulateOutput.err(
        `sluice simulate: ${t.written} telemetry records written to ${argv.telemetry}${t.dropped ? ` (${t.dropped} dropped)` : ''}\n`,
      );
    }
    simulateOutput.out(`${formatSummary(summary)}\n`);
    if (argv.json !== undefined) {
      writeFileSync(argv.json, `${JSON.stringify(summary, null, 2)}\n`);
      simulateOutput.err(`sluice simulate: summary written to ${argv.json}\n`);
    }
  },
};

/** A bar on a TTY, a line every 10% otherwise. Returns the function that ends it. */
function progressReporter(options: SimulationOptions, durationMs: number): () => void {
  if (simulateOutput.isTTY()) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'simulating [{bar}] {percentage}% | {value}/{total} simulated s | {requests} requests',
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.round(durationMs / 1000), 0, { requests: 0 });
    options.onProgress = (p) => bar.update(Math.round(p.simulatedMs / 1000), { requests: p.requests });
    return () => {
      bar.update(Math.round(durationMs / 1000));
      bar.stop();
    };
  }
  let nextTenth = 1;
  options.onProgress = (p) => {
    while (p.simulatedMs >= (nextTenth * durationMs) / 10 && nextTenth <= 10) {
      simulateOutput.err(
        `sluice simulate: ${nextTenth * 10}% (${Math.round(p.simulatedMs / 1000)} of ${Math.round(durationMs / 1000)} simulated s, ${p.requests} requests)\n`,
      );
      nextTenth++;
    }
  };
  return () => {};
}
