/** Every `sluice` command, in the order `--help` lists them. */
import type { CommandModule } from 'yargs';
import { policyCommand } from './commands/policy.js';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types.
export const commands: CommandModule<any, any>[] = [policyCommand];
