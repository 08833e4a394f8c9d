import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { jobProgress } from './job-progress.js';

function capture(): { stream: Writable & { isTTY?: boolean }; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

test('off a terminal: a line per network fitted, and one at each tenth of the origins and at the end', () => {
  const { stream, lines } = capture();
  const p = jobProgress('sluice forecast backtest', stream);
  for (let k = 1; k <= 3; k++) p.report({ phase: 'fit', done: k, total: 3 });
  for (let k = 1; k <= 95; k++) p.report({ phase: 'forecast', done: k, total: 95 });
  p.stop();
  assert.deepEqual(lines.slice(0, 4), [
    'sluice forecast backtest: 1/3 networks fitted',
    'sluice forecast backtest: 2/3 networks fitted',
    'sluice forecast backtest: 3/3 networks fitted',
    'sluice forecast backtest: 10/95 origins forecast',
  ]);
  assert.equal(lines.length, 3 + 9 + 1);
  assert.equal(lines.at(-1), 'sluice forecast backtest: 95/95 origins forecast');
});
