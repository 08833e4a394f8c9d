/**
 * The `sluice` command: parses arguments and delegates. Each command lives in cli/commands/.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isSluiceError } from '../gateway-core/errors.js';
import { commands } from './command-list.js';

const parser = yargs(hideBin(process.argv))
  .scriptName('sluice')
  .usage('$0 <command> [options]\n\nSluice: an adaptive AI/LLM gateway, its simulator and its controller.')
  .strict()
  .demandCommand(1, 'Name a command (see the list above).')
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err, y) => {
    if (err) {
      if (isSluiceError(err)) {
        process.stderr.write(`sluice: ${err.message}\n`);
        for (const d of err.details) process.stderr.write(`  ${d}\n`);
      } else {
        process.stderr.write(`sluice: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
    } else {
      process.stderr.write(`${y.help()}\n\nsluice: ${msg}\n`);
    }
    process.exit(err && isSluiceError(err) && err.code === 'SLUICE_INTERNAL' ? 70 : msg ? 2 : 1);
  });

for (const c of commands) parser.command(c);
await parser.parseAsync();
