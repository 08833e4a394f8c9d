import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ArmRunner, RunOutput, RunRequest } from './arm-runner.js';
import { LineProgress } from './progress.js';
import { InlineExecutor } from './run-executor.js';
import { planRuns } from './run-plan.js';
import { runExperiment } from './runner.js';
import { parseSpec } from './spec.js';
import { StandInRunner } from './stand-in-runner.js';
import { ThreadPoolExecutor } from './thread-pool-executor.js';

const SPEC = `
name: tiny
scenario: flash-sale
duration: 10m
seeds: [1, 2, 3]
baseline: static
runner: stand-in
arms:
  - {name: static, mode: static}
  - {name: adaptive, mode: adaptive}
grid:
  queueLimit: [200, 400]
metrics: [latencyMs.p99, costUsd]
`;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sluice-exp-'));
  dirs.push(d);
  return d;
}

class CountingRunner implements ArmRunner {
  readonly calls: RunRequest[] = [];
  private readonly inner = new StandInRunner();
  run(request: RunRequest): Promise<RunOutput> {
    this.calls.push(request);
    return this.inner.run(request);
  }
}

test('plan: arms x grid points x seeds, paired seeds, stable keys', () => {
  const spec = parseSpec(SPEC);
  const plan = planRuns(spec, 'v1');
  assert.equal(plan.length, 12);
  for (const arm of ['static', 'adaptive']) {
    for (const g of ['queueLimit=200', 'queueLimit=400']) {
      assert.deepEqual(
        plan.filter((p) => p.arm === arm && p.gridKey === g).map((p) => p.seed),
        [1, 2, 3],
      );
    }
  }
  assert.equal(new Set(plan.map((p) => p.key)).size, 12);
  assert.deepEqual(
    planRuns(spec, 'v1').map((p) => p.key),
    plan.map((p) => p.key),
  );
  // A new code version invalidates every key; renaming an arm invalidates none.
  assert.equal(planRuns(spec, 'v2').filter((p, i) => p.key === plan[i].key).length, 0);
  const renamed = parseSpec(SPEC.replace('{name: adaptive,', '{name: smart,'));
  assert.deepEqual(
    planRuns(renamed, 'v1').map((p) => p.key),
    plan.map((p) => p.key),
  );
});

test('runs everything once, then resumes: a rerun skips what is done', async () => {
  const spec = parseSpec(SPEC);
  const out = outDir();
  const runner = new CountingRunner();
  const lines: string[] = [];
  let clock = 0;
  const progress = new LineProgress({
    now: () => (clock += 1000),
    stream: { write: (s: string) => lines.push(s) === 0 } as unknown as NodeJS.WritableStream,
    title: 'tiny',
  });
  const first = await runExperiment(spec, {
    outDir: out,
    executor: new InlineExecutor(runner),
    codeVersion: 'v1',
    progress,
  });
  assert.equal(first.executed, 12);
  assert.equal(first.cached, 0);
  assert.equal(runner.calls.length, 12);
  assert.equal(readdirSync(join(out, 'runs')).length, 12);
  assert.equal(lines[0], 'tiny: 12 runs, 0 already done\n');
  assert.equal(lines.at(-1), 'tiny: 12/12 runs (100%), ETA 0s, last adaptive seed 3\n');
  // The fake clock advances 1 s per reading: after 2 runs in 1 s, 10 more take 5 s.
  assert.equal(lines[1], 'tiny: 2/12 runs (17%), ETA 5s, last static seed 2\n');

  // Static vs adaptive on the flash sale: the stand-in's adaptive arm scales ahead.
  const p99 = first.results.stats.comparisons.filter((c) => c.metric === 'latencyMs.p99');
  assert.equal(p99.length, 2);
  for (const c of p99) {
    assert.equal(c.n, 3);
    assert.equal(c.improved, true);
  }

  const second = await runExperiment(spec, {
    outDir: out,
    executor: new InlineExecutor(runner),
    codeVersion: 'v1',
  });
  assert.equal(second.executed, 0);
  assert.equal(second.cached, 12);
  assert.equal(runner.calls.length, 12);
  assert.deepEqual(second.results.stats, first.results.stats);

  // One more seed: only its 4 runs execute.
  const more = parseSpec(SPEC.replace('seeds: [1, 2, 3]', 'seeds: [1, 2, 3, 4]'));
  const third = await runExperiment(more, {
    outDir: out,
    executor: new InlineExecutor(runner),
    codeVersion: 'v1',
  });
  assert.equal(third.executed, 4);
  assert.deepEqual(
    runner.calls.slice(12).map((r) => `${r.arm.name}/${r.grid.queueLimit}/${r.seed}`),
    ['static/200/4', 'static/400/4', 'adaptive/200/4', 'adaptive/400/4'],
  );
});

test('worker threads give the same results as inline runs', async () => {
  const spec = parseSpec(SPEC.replace('grid:\n  queueLimit: [200, 400]\n', ''));
  const inline = await runExperiment(spec, {
    outDir: outDir(),
    executor: new InlineExecutor(),
    codeVersion: 'v1',
  });
  const pool = new ThreadPoolExecutor(2);
  try {
    const threaded = await runExperiment(spec, { outDir: outDir(), executor: pool, codeVersion: 'v1' });
    assert.equal(threaded.executed, 6);
    assert.deepEqual(threaded.results.stats, inline.results.stats);
    assert.ok(threaded.results.runs.every((r) => r.ranBy.startsWith('thread:')));
  } finally {
    await pool.close();
  }
});
