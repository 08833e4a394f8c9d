import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { detectCommand } from './commands/detect.js';
import { forecastCommand } from './commands/forecast.js';
await yargs(hideBin(process.argv)).scriptName('sluice').strict().command(detectCommand).command(forecastCommand).demandCommand(1).help().parseAsync();
