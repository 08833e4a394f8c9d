/**
 * `sluice experiment run FILE [--out DIR] [--workers N] [--queue URL]` and `sluice experiment
 * list`: thin wrappers over experiments/. The run* functions do the work and return the exit
 * code, writing through an io object, so tests call them with captured output.
 */
import { basename, join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { codeVersion } from '../../experiments/code-version.js';
import { createProgress } from '../../experiments/progress.js';
import { QueueExecutor } from '../../experiments/queue-executor.js';
import { writeReport } from '../../experiments/report/write-report.js';
import { InlineExecutor, type RunExecutor } from '../../experiments/run-executor.js';
import { runExperiment } from '../../experiments/runner.js';
import { listSpecs, packageRoot } from '../../experiments/spec-catalogue.js';
import { loadSpec } from '../../experiments/spec.js';
import { ThreadPoolExecutor } from '../../experiments/thread-pool-executor.js';

export interface ExperimentIo {
  out(line: string): void;
  err(line: string): void;
  /** Progress goes here (a TTY gets a bar). */
  progress: NodeJS.WritableStream & { isTTY?: boolean };
}

export const experimentIo: ExperimentIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr,
};

export interface RunOptions {
  out?: string;
  /** 0 runs inline in this thread; absent: one thread per CPU less one. */
  workers?: number;
  queue?: string;
  report?: boolean;
}

export async function runExperimentCommand(
  file: string,
  options: RunOptions,
  io: ExperimentIo,
): Promise<number> {
  const spec = loadSpec(file);
  const outDir = options.out ?? join('out', 'experiments', spec.name);
  const executor: RunExecutor = options.queue
    ? new QueueExecutor(options.queue)
    : options.workers === 0
      ? new InlineExecutor()
      : new ThreadPoolExecutor(options.workers);
  const where = options.queue ? `queue ${options.queue}` : `${executor.parallelism} worker thread(s)`;
  io.out(`${spec.name}: ${spec.arms.length} arms x ${spec.seeds.length} seeds on ${where} -> ${outDir}`);
  try {
    const outcome = await runExperiment(spec, {
      outDir,
      executor,
      codeVersion: codeVersion(packageRoot()),
      progress: createProgress({ now: () => Date.now(), stream: io.progress, title: spec.name }),
    });
    io.out(`${outcome.executed} runs executed, ${outcome.cached} already done: ${outcome.resultsFile}`);
  } finally {
    await executor.close();
  }
  if (options.report !== false) {
    const files = writeReport(outDir);
    io.out(files.headline);
    io.out(`report: ${files.html} (also ${files.markdown}, ${files.json})`);
  }
  return 0;
}

export function listExperimentsCommand(io: ExperimentIo, dir?: string): number {
  const entries = listSpecs(dir);
  if (entries.length === 0) {
    io.err('no experiment specs found');
    return 1;
  }
  for (const e of entries) {
    const name = relative(process.cwd(), e.file);
    if (e.spec === null) {
      io.out(`${name}: INVALID: ${e.error}`);
      continue;
    }
    const s = e.spec;
    const input = s.trace
      ? `trace ${basename(s.trace.file)} on scenario ${s.scenario ?? 'steady'}`
      : `scenario ${s.scenario}`;
    io.out(
      `${s.name.padEnd(22)} ${input}, ${s.durationSeconds / 60} min, ${s.seeds.length} seeds, arms ${s.arms.map((a) => a.name).join('/')} (baseline ${s.baseline})  [${name}]`,
    );
  }
  return 0;
}

const runCommand: CommandModule<
  object,
  { file: string; out?: string; workers?: number; queue?: string; report: boolean }
> = {
  command: 'run <file>',
  describe: 'Run every arm x seed x grid point of an experiment (resumable), then write its report',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the experiment spec (YAML)' })
      .option('out', { type: 'string', describe: 'output folder (default out/experiments/<name>)' })
      .option('workers', { type: 'number', describe: 'worker threads (0: run inline; default: CPUs - 1)' })
      .option('queue', {
        type: 'string',
        describe: 'redis://host:port: run on a BullMQ queue served by `sluice worker`',
      })
      .option('report', {
        type: 'boolean',
        default: true,
        describe: 'write report.html/.md/.json at the end',
      }) as unknown as Argv<{
      file: string;
      out?: string;
      workers?: number;
      queue?: string;
      report: boolean;
    }>,
  handler: async (argv) => {
    process.exitCode = await runExperimentCommand(argv.file, argv, experimentIo);
  },
};

const listCommand: CommandModule<object, { dir?: string }> = {
  command: 'list',
  describe: 'List the shipped experiment specs',
  builder: (y: Argv) =>
    y.option('dir', {
      type: 'string',
      describe: 'folder of specs (default experiments/specs)',
    }) as unknown as Argv<{ dir?: string }>,
  handler: (argv) => {
    process.exitCode = listExperimentsCommand(experimentIo, argv.dir);
  },
};

export const experimentCommand: CommandModule<object, object> = {
  command: 'experiment <command>',
  describe: 'Compare policies and controller modes over paired seeds, with statistics and a report',
  builder: (y: Argv) =>
    y
      .command(runCommand)
      .command(listCommand)
      .demandCommand(1, 'Name an experiment command: run or list.')
      .example('$0 experiment list', 'the shipped experiments')
      .example(
        '$0 experiment run experiments/specs/flash-sale.yaml',
        'run on local worker threads; writes out/experiments/flash-sale/report.html',
      )
      .example(
        '$0 experiment run spec.yaml --out out/x --workers 4',
        'four threads; a rerun skips finished runs',
      )
      .example(
        '$0 experiment run spec.yaml --queue redis://10.0.0.5:6379',
        'fan out to `sluice worker` processes on other machines',
      ),
  handler: () => {},
};
