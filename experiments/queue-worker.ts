/**
 * The consumer side of QueueExecutor: a BullMQ worker that runs each job's arm with the named
 * runner and returns the output to the submitter. `sluice worker --queue URL` starts one.
 */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { ArmRunner, RunnerName } from './arm-runner.js';
import { createArmRunner } from './arm-runners.js';
import { DEFAULT_QUEUE } from './queue-executor.js';
import type { RunResult, RunTask } from './run-executor.js';

export interface QueueWorkerOptions {
  queueName?: string;
  concurrency?: number;
  /** Called after each run with its key and the ms it took. */
  onRun?: (key: string, label: string) => void;
}

export interface QueueWorkerHandle {
  readonly id: string;
  /** Resolves once the worker is connected and waiting for jobs. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function startQueueWorker(url: string, options: QueueWorkerOptions = {}): QueueWorkerHandle {
  const id = `queue:${hostname()}:${process.pid}`;
  const runners = new Map<RunnerName, Promise<ArmRunner>>();
  const worker = new Worker<RunTask, RunResult>(
    options.queueName ?? DEFAULT_QUEUE,
    async (job) => {
      const task = job.data;
      let runner = runners.get(task.runner);
      if (!runner) {
        runner = createArmRunner(task.runner);
        runners.set(task.runner, runner);
      }
      const output = await (await runner).run(task.request);
      options.onRun?.(task.key, `${task.request.arm.name} seed ${task.request.seed}`);
      return { output, ranBy: id };
    },
    { connection: { url }, concurrency: options.concurrency ?? 1 },
  );
  return {
    id,
    ready: () => worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}
