import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ticket } from '../../gateway-core/engine/types.js';
import { Environment } from '../kernel/environment.js';
import type { SimRequest } from '../workloads/request-mix.js';
import { LlmInstance } from './llm-instance.js';
import { Flight } from './upstream.js';

function flight(env: Environment, input: number, output: number): Flight {
  const req = {
    id: 'x',
    apiKey: 'k',
    model: 'm',
    inputTokens: input,
    maxOutputTokens: 0,
    outputTokens: output,
    tenantHint: 't',
  } as SimRequest;
  return new Flight({} as Ticket, req, 'i-1', env.now());
}

const spec = { prefillMsPerToken: 0.1, decodeMsPerToken: 10, batchSlowdown: 0.5, maxSequences: 2 };

test('one sequence: prefill, then one step per output token', () => {
  const env = new Environment();
  const done: Array<[number, number | null]> = [];
  const inst = new LlmInstance('i-1', spec, env, (f) => done.push([env.now(), f.ttftMs]));
  inst.accept(flight(env, 100, 10)); // 10 ms prefill + 10 x 10 ms
  env.run();
  assert.deepEqual(done, [[110, 20]]);
});

test('continuous batching: a joining sequence slows the running one (known answer)', () => {
  const env = new Environment();
  const done: Array<[string, number]> = [];
  const inst = new LlmInstance('i-1', spec, env, (f) =>
    done.push([String(f.request.outputTokens), env.now()]),
  );
  // A: prefill 0..10, decodes alone (10 ms/token) until 60 (5 tokens).
  inst.accept(flight(env, 100, 10));
  // B arrives at 50: prefill 50..60, then both decode at 15 ms/token. B needs 2 tokens: 90.
  // A has 5 left at 60, 2 done by 90, 3 alone at 10 ms: 120.
  env.schedule(50, () => inst.accept(flight(env, 100, 2)), null);
  env.run();
  assert.deepEqual(done, [
    ['2', 90],
    ['10', 120],
  ]);
});

test('at most maxSequences run; the rest wait in FIFO order', () => {
  const env = new Environment();
  const done: number[] = [];
  const inst = new LlmInstance('i-1', { ...spec, batchSlowdown: 0 }, env, () => done.push(env.now()));
  for (let i = 0; i < 3; i++) inst.accept(flight(env, 0, 1));
  assert.equal(inst.running, 2);
  assert.equal(inst.inFlight, 3);
  env.run();
  assert.deepEqual(done, [10, 10, 20]);
  assert.equal(inst.inFlight, 0);
});

test('a crash loses every attempt, including those in prefill', () => {
  const env = new Environment();
  const done: number[] = [];
  const inst = new LlmInstance('i-1', spec, env, () => done.push(env.now()));
  inst.accept(flight(env, 1000, 5)); // prefill until 100
  inst.accept(flight(env, 10, 5)); // prefill until 1, decoding
  inst.accept(flight(env, 10, 5)); // waiting
  let lost: Flight[] = [];
  env.schedule(
    20,
    () => {
      lost = inst.crash();
    },
    null,
  );
  env.run();
  assert.equal(lost.length, 3);
  assert.deepEqual(done, []);
  assert.equal(inst.inFlight, 0);
});

test('a slowdown stretches the remaining decode', () => {
  const env = new Environment();
  const done: number[] = [];
  const inst = new LlmInstance('i-1', spec, env, () => done.push(env.now()));
  inst.accept(flight(env, 0, 10)); // 10 tokens x 10 ms
  env.schedule(50, () => inst.setSlowdown(2), null); // 5 tokens left at 20 ms each
  env.run();
  assert.deepEqual(done, [150]);
});
