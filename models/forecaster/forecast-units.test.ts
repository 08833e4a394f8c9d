import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logScaleFor, parseUnits } from './forecast-units.js';

test('units map onto logScale; absent is linear; an unknown unit is named with the choices', () => {
  assert.equal(logScaleFor(parseUnits(undefined)), false);
  assert.equal(logScaleFor(parseUnits('linear')), false);
  assert.equal(logScaleFor(parseUnits('log')), true);
  assert.equal(logScaleFor(parseUnits('auto')), 'auto');
  assert.throws(() => parseUnits('logs'), {
    code: 'SLUICE_CONFIG_INVALID',
    message:
      "--units: 'logs' is not a unit; use one of linear, log, auto (auto: logs where every training value is > 0)",
  });
});
