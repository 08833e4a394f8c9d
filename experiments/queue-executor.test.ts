import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { startRedis } from '../test/harness/services.js';
import { QueueExecutor } from './queue-executor.js';
import { InlineExecutor } from './run-executor.js';
import { runExperiment } from './runner.js';
import { parseSpec } from './spec.js';

const SPEC = `
name: queued
scenario: multi-tenant
duration: 60m
seeds: [1, 2, 3, 4]
baseline: static
runner: stand-in
arms:
  - {name: static, mode: static}
  - {name: reactive, mode: reactive}
  - {name: adaptive, mode: adaptive}
metrics: [latencyMs.p99, jainFairness]
`;

/** Starts `queue-worker-main` as its own process and waits for its `ready` line. */
async function startWorkerProcess(url: string): Promise<{ proc: ChildProcess; id: string; ran: string[] }> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const main = fileURLToPath(new URL(`./queue-worker-main${ext}`, import.meta.url));
  const proc = spawn(
    process.execPath,
    [...process.execArgv.filter((a) => !a.startsWith('--test')), main, url],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ran: string[] = [];
  const lines = createInterface({ input: proc.stdout! });
  const id = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith('ready ')) resolve(line.slice(6));
      if (line.startsWith('ran ')) ran.push(line.slice(4));
    });
  });
  return { proc, id, ran };
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

test('runs on a BullMQ queue are done by two worker processes and come back to the submitter', async () => {
  const redis = await startRedis();
  const out = mkdtempSync(join(tmpdir(), 'sluice-queue-'));
  const workers: Awaited<ReturnType<typeof startWorkerProcess>>[] = [];
  const executor = new QueueExecutor(redis.url);
  try {
    workers.push(await startWorkerProcess(redis.url), await startWorkerProcess(redis.url));
    const spec = parseSpec(SPEC);
    const queued = await runExperiment(spec, { outDir: out, executor, codeVersion: 'test' });
    assert.equal(queued.executed, 12);
    // Both workers took a share of the 12 runs, and every run was done exactly once.
    const ranBy = queued.results.runs.map((r) => r.ranBy);
    for (const w of workers) assert.ok(ranBy.includes(w.id), `${w.id} ran nothing`);
    // A worker prints its `ran` line after it hands the result back, so the last line can reach
    // this process after the result did: give stdout a moment before counting.
    for (let i = 0; i < 100 && workers[0].ran.length + workers[1].ran.length < 12; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(workers[0].ran.length + workers[1].ran.length, 12);
    // Same numbers as running inline: the queue changes where runs happen, not what they give.
    const inline = await runExperiment(spec, {
      outDir: join(out, 'inline'),
      executor: new InlineExecutor(),
      codeVersion: 'test',
    });
    assert.deepEqual(queued.results.stats, inline.results.stats);
    // A rerun of the submitter finds everything in its run store and queues nothing.
    const again = await runExperiment(spec, { outDir: out, executor, codeVersion: 'test' });
    assert.equal(again.executed, 0);
  } finally {
    await executor.close();
    await Promise.all(workers.map((w) => stopProcess(w.proc)));
    await redis.stop();
    rmSync(out, { recursive: true, force: true });
  }
});
