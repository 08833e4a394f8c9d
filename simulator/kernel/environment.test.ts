import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { Environment, URGENT } from './environment.js';

test('events fire in (time, priority, sequence) order', () => {
  const env = new Environment();
  const fired: string[] = [];
  const log = (name: string) => fired.push(`${name}@${env.now()}`);
  env.schedule(5, log, 'c');
  env.schedule(1, log, 'a');
  env.schedule(5, log, 'd');
  env.schedule(5, log, 'b-urgent', URGENT);
  env.schedule(3, log, 'x');
  env.run();
  assert.deepEqual(fired, ['a@1', 'x@3', 'b-urgent@5', 'c@5', 'd@5']);
});

test('run(until) stops at the horizon, sets the clock to it and keeps later events', () => {
  const env = new Environment();
  const fired: number[] = [];
  for (const t of [10, 20, 30]) env.schedule(t, (v: number) => fired.push(v), t);
  env.run(20);
  assert.deepEqual(fired, [10, 20]);
  assert.equal(env.now(), 20);
  assert.equal(env.pending, 1);
  assert.equal(env.peek(), 30);
  env.timeout(5, (v: number) => fired.push(v), 25);
  env.run();
  assert.deepEqual(fired, [10, 20, 25, 30]);
  assert.equal(env.eventsFired, 4);
});

test('scheduling in the past is an error', () => {
  const env = new Environment(100);
  assert.throws(() => env.schedule(99, () => {}, null), /before now/);
});

test('a large random schedule fires sorted, with ties in scheduling order (slots are reused)', () => {
  const env = new Environment();
  const rng = new SeededRng(7);
  let lastT = -1;
  let lastSeq = -1;
  let count = 0;
  const check = (seq: number) => {
    const t = env.now();
    assert.ok(t > lastT || (t === lastT && seq > lastSeq));
    lastT = t;
    lastSeq = seq;
    count++;
    // Re-schedule from inside callbacks to exercise slot reuse.
    if (count < 5000) env.timeout(rng.int(0, 3), check, 10_000 + count);
  };
  for (let i = 0; i < 5000; i++) env.schedule(rng.int(0, 50), check, i);
  env.run();
  assert.equal(count, 9999);
});
