/**
 * QueueExecutor: puts runs on a BullMQ queue in Redis and waits for their results, which
 * `sluice worker --queue URL` processes (queue-worker.ts) on any machine compute. The job id is
 * the run key, so two submitters of the same run share one job; results come back as the job's
 * return value.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { RunExecutor, RunResult, RunTask } from './run-executor.js';

export const DEFAULT_QUEUE = 'sluice-runs';

export class QueueExecutor implements RunExecutor {
  readonly parallelism: number;
  private readonly queue: Queue;
  private readonly events: QueueEvents;

  constructor(url: string, options: { queueName?: string; parallelism?: number } = {}) {
    const name = options.queueName ?? DEFAULT_QUEUE;
    this.queue = new Queue(name, { connection: { url } });
    this.events = new QueueEvents(name, { connection: { url } });
    // Submit everything at once: the workers, not the submitter, decide the pace. Each waiting
    // run holds a listener on both emitters, so lift Node's leak warning threshold to match.
    this.parallelism = options.parallelism ?? 1000;
    this.queue.setMaxListeners(this.parallelism + 10);
    this.events.setMaxListeners(this.parallelism + 10);
  }

  async execute(task: RunTask): Promise<RunResult> {
    await this.events.waitUntilReady();
    const job = await this.queue.add(task.key, task, {
      jobId: task.key,
      attempts: 2,
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
    const result: unknown = await job.waitUntilFinished(this.events);
    return result as RunResult;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
