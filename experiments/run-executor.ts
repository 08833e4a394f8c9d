/**
 * RunExecutor: where planned runs execute. Three places, one interface: inline in this thread
 * (tests, debugging), a pool of worker threads on this machine (piscina), or a BullMQ queue that
 * `sluice worker` processes on any machine consume. The runner is named, not passed, because it
 * must be rebuilt on the far side of a thread or a network.
 */
import type { ArmRunner, RunnerName, RunOutput, RunRequest } from './arm-runner.js';
import { createArmRunner } from './arm-runners.js';

export interface RunTask {
  runner: RunnerName;
  key: string;
  request: RunRequest;
}

export interface RunResult {
  output: RunOutput;
  /** Who ran it: `inline`, `thread:<id>` or `queue:<host>:<pid>`. */
  ranBy: string;
}

export interface RunExecutor {
  /** How many runs it can usefully have in flight at once. */
  readonly parallelism: number;
  execute(task: RunTask): Promise<RunResult>;
  close(): Promise<void>;
}

/** Runs in this thread, one at a time; accepts a ready ArmRunner (a stand-in in tests). */
export class InlineExecutor implements RunExecutor {
  readonly parallelism = 1;
  private readonly runners = new Map<RunnerName, Promise<ArmRunner>>();

  constructor(private readonly runner?: ArmRunner) {}

  async execute(task: RunTask): Promise<RunResult> {
    let runner = this.runner;
    if (!runner) {
      let p = this.runners.get(task.runner);
      if (!p) {
        p = createArmRunner(task.runner);
        this.runners.set(task.runner, p);
      }
      runner = await p;
    }
    return { output: await runner.run(task.request), ranBy: 'inline' };
  }

  async close(): Promise<void> {}
}
