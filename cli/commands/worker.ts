/**
 * `sluice worker --queue URL`: consumes experiment runs from a BullMQ queue (put there by
 * `sluice experiment run --queue URL`) until interrupted. Start one per machine, or several.
 */
import type { Argv, CommandModule } from 'yargs';
import { startQueueWorker } from '../../experiments/queue-worker.js';

export const workerCommand: CommandModule<object, { queue: string; concurrency: number }> = {
  command: 'worker',
  describe: 'Run experiment jobs from a Redis queue (BullMQ) for submitters on any machine',
  builder: (y: Argv) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'redis://host:port of the queue' })
      .option('concurrency', { type: 'number', default: 1, describe: 'runs at once in this process' })
      .example('$0 worker --queue redis://10.0.0.5:6379', 'serve one run at a time')
      .example(
        '$0 worker --queue redis://localhost:6379 --concurrency 2',
        'two runs at once',
      ) as unknown as Argv<{
      queue: string;
      concurrency: number;
    }>,
  handler: async (argv) => {
    const worker = startQueueWorker(argv.queue, {
      concurrency: argv.concurrency,
      onRun: (key, label) => process.stdout.write(`ran ${label} (${key})\n`),
    });
    await worker.ready();
    process.stdout.write(`worker ${worker.id} waiting for runs on ${argv.queue}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await worker.close();
  },
};
