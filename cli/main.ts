/**
 * The `sluice` command: parses arguments and delegates. Each command lives in cli/commands/ and
 * is loaded only when it runs; the others are listed from cli/command-list.ts.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { errorReport } from './error-report.js';
import { commands } from './command-list.js';

const args = hideBin(process.argv);
const chosen = commands.find((c) => c.name === args[0]);

const parser = yargs(args)
  .scriptName('sluice')
  .usage('$0 <command> [options]\n\nSluice: an adaptive AI/LLM gateway, its simulator and its controller.')
  .strict()
  .demandCommand(1, 'Name a command (see the list above).')
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(120, process.stdout.columns || 110))
  .fail((msg, err, y) => {
    if (err) {
      process.stderr.write(errorReport(err));
      process.exit(1);
    }
    process.stderr.write(`${y.help()}\n\nsluice: ${msg}\n`);
    process.exit(2);
  });

for (const c of commands) {
  if (c === chosen) parser.command(await c.load());
  else
    parser.command(
      c.usage,
      c.describe,
      () => {},
      () => {},
    );
  if (chosen === undefined) for (const [example, what] of c.examples) parser.example(example, what);
}
await parser.parseAsync();
