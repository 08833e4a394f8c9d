import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scriptFlag } from './script-flag.js';

test('scriptFlag: the value after --name, else the fallback (or undefined)', () => {
  const argv = ['node', 'x.js', '--seed', '7', '--out'];
  assert.equal(scriptFlag(argv, 'seed'), '7');
  assert.equal(scriptFlag(argv, 'seed', '1'), '7');
  assert.equal(scriptFlag(argv, 'rate', '4'), '4');
  assert.equal(scriptFlag(argv, 'rate'), undefined);
  // A flag with nothing after it takes the fallback.
  assert.equal(scriptFlag(argv, 'out', 'dir'), 'dir');
});
