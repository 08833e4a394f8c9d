/**
 * ThreadPoolExecutor: runs on N worker threads of this machine (piscina). Each run is CPU-bound
 * simulation, so N defaults to the number of CPUs less one for the main thread.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RunExecutor, RunResult, RunTask } from './run-executor.js';

/** The worker module beside this one: .ts when running under tsx, .js when built. */
function workerFile(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./run-worker${ext}`, import.meta.url).href;
}

export class ThreadPoolExecutor implements RunExecutor {
  readonly parallelism: number;
  private readonly pool: Piscina<RunTask, RunResult>;

  constructor(workers = Math.max(1, availableParallelism() - 1)) {
    this.parallelism = Math.max(1, Math.floor(workers));
    this.pool = new Piscina<RunTask, RunResult>({
      filename: workerFile(),
      minThreads: 1,
      maxThreads: this.parallelism,
      // A run is one long task: queueing more than one per thread only delays cancellation.
      maxQueue: 'auto',
    });
  }

  execute(task: RunTask): Promise<RunResult> {
    return this.pool.run(task);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
