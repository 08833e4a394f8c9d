/**
 * `sluice report DIR`: rebuilds report.html, report.md and report.json from an experiment's
 * results.json and runs/ folder (no rerun needed).
 */
import type { Argv, CommandModule } from 'yargs';
import { writeReport } from '../../experiments/report/write-report.js';

export function runReportCommand(dir: string, io: { out(line: string): void }): number {
  const files = writeReport(dir);
  io.out(files.headline);
  io.out(`report: ${files.html} (also ${files.markdown}, ${files.json})`);
  return 0;
}

export const reportCommand: CommandModule<object, { dir: string }> = {
  command: 'report <dir>',
  describe: "Rebuild an experiment's HTML, Markdown and JSON report from its results",
  builder: (y: Argv) =>
    y
      .positional('dir', {
        type: 'string',
        demandOption: true,
        describe: 'the experiment output folder (holds results.json)',
      })
      .example(
        '$0 report out/experiments/flash-sale',
        'writes report.html, report.md and report.json there',
      ) as unknown as Argv<{
      dir: string;
    }>,
  handler: (argv) => {
    process.exitCode = runReportCommand(argv.dir, { out: (l) => process.stdout.write(`${l}\n`) });
  },
};
