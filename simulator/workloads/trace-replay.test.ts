import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTrace } from '../../datasets/traces/trace-reader.js';
import { SeededRng } from '../../gateway-core/rng.js';
import { runSimulation } from '../run-simulation.js';
import { loadScenario } from '../scenario/scenario-loader.js';
import { TraceReplay } from './trace-replay.js';

const CONV = '/work/shared/datasets/azure-llm-2023/AzureLLMInferenceTrace_conv.csv';
const CODE = '/work/shared/datasets/azure-llm-2023/AzureLLMInferenceTrace_code.csv';

async function drain(r: TraceReplay): Promise<number[]> {
  const times: number[] = [];
  for (;;) {
    if (r.available === 0) {
      if (r.done) return times;
      await r.fill();
      continue;
    }
    times.push(r.take()?.atMs ?? Number.NaN);
  }
}

test('speedup compresses time; scale 2 doubles, scale 0.5 thins deterministically', async () => {
  const one = await drain(
    new TraceReplay(
      readTrace(CODE)[Symbol.asyncIterator](),
      { speedup: 4, scale: 1, chunk: 1000 },
      new SeededRng(1),
    ),
  );
  assert.equal(one.length, 8819);
  assert.equal(Math.round(one[one.length - 1] / 100) / 10, Math.round(3435.9 / 4 / 0.1) / 10);
  const two = await drain(
    new TraceReplay(readTrace(CODE)[Symbol.asyncIterator](), { speedup: 1, scale: 2 }, new SeededRng(1)),
  );
  assert.equal(two.length, 2 * 8819);
  const half = await drain(
    new TraceReplay(readTrace(CODE)[Symbol.asyncIterator](), { speedup: 1, scale: 0.5 }, new SeededRng(1)),
  );
  const halfAgain = await drain(
    new TraceReplay(readTrace(CODE)[Symbol.asyncIterator](), { speedup: 1, scale: 0.5 }, new SeededRng(1)),
  );
  assert.deepEqual(half, halfAgain);
  assert.ok(Math.abs(half.length - 4409.5) < 3 * Math.sqrt(8819 / 4), `${half.length}`);
});

test('replaying the Azure conversation trace through the simulator: every row arrives, tokens as in the file', async () => {
  const scenario = loadScenario('steady');
  const s = await runSimulation(scenario, {
    seed: 1,
    durationMs: 3_600_000,
    trace: { file: CONV, speedup: 1 },
  });
  assert.equal(s.requests, 19_366);
  assert.equal(s.completed, 19_366);
  // README: mean ContextTokens 1,154.7 and GeneratedTokens 211.1 over 19,366 rows
  assert.ok(Math.abs(s.tokens.input / 19_366 - 1154.7) < 0.06);
  assert.ok(Math.abs(s.tokens.output / 19_366 - 211.1) < 0.06);
  // Tenants assigned by the scenario weights (acme 2 : globex 1).
  assert.ok(Math.abs(s.byTenant.acme.requests / 19_366 - 2 / 3) < 0.02);
});

test('a trace compressed 10x fits in 6 simulated minutes', async () => {
  const s = await runSimulation(loadScenario('steady'), {
    seed: 1,
    durationMs: 360_000,
    trace: { file: CODE, speedup: 10 },
  });
  assert.equal(s.requests, 8819);
});
