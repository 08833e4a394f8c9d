/**
 * The worker-thread side of ThreadPoolExecutor (piscina calls the default export once per
 * task). Runners are built once per thread and reused.
 */
import { threadId } from 'node:worker_threads';
import type { ArmRunner, RunnerName } from './arm-runner.js';
import { createArmRunner } from './arm-runners.js';
import type { RunResult, RunTask } from './run-executor.js';

const runners = new Map<RunnerName, Promise<ArmRunner>>();

export default async function runTask(task: RunTask): Promise<RunResult> {
  let runner = runners.get(task.runner);
  if (!runner) {
    runner = createArmRunner(task.runner);
    runners.set(task.runner, runner);
  }
  const output = await (await runner).run(task.request);
  return { output, ranBy: `thread:${threadId}` };
}
