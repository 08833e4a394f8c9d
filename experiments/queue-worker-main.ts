/**
 * A queue worker as its own process: `node queue-worker-main.js URL [concurrency]`. Prints
 * `ready <id>` once connected and `ran <key>` after each run; stops cleanly on SIGTERM/SIGINT.
 * Used by the two-worker queue test; `sluice worker` is the user-facing way to start one.
 */
import { startQueueWorker } from './queue-worker.js';

const [url, concurrency] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: queue-worker-main URL [concurrency]\n');
  process.exit(2);
}
const worker = startQueueWorker(url, {
  concurrency: concurrency ? Number(concurrency) : 1,
  onRun: (key) => process.stdout.write(`ran ${key}\n`),
});
await worker.ready();
process.stdout.write(`ready ${worker.id}\n`);
const stop = async () => {
  await worker.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
