import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HoltForecaster } from './holt-forecaster.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

test('Holt updates by hand (alpha 0.5, beta 0.5, phi 1)', () => {
  const f = new HoltForecaster({ alpha: 0.5, beta: 0.5, phi: 1, errorAlpha: 0.5 });
  f.update(0, 10); // level 10, trend 0
  f.update(1, 14); // predicted 10, err 4, s2 = 2*16 = 32; level 12, trend 0.5*2 = 1
  close(f.forecast(1).p50, 13);
  close(f.forecast(3).p50, 15);
  close(f.forecast(1).p90, 13 + 1.2815515655446004 * Math.sqrt(32));
  f.update(2, 13); // predicted 13, err 0: s2 = 0.5*0 + 0.5*32 = 16; level 13, trend 0.5*1 + 0.5*1 = 1
  close(f.forecast(1).p50, 14);
  close(f.forecast(2).p90, 15 + 1.2815515655446004 * Math.sqrt(32));
  f.update(3, 4); // predicted 14, err -10: a drop does not widen the band: s2 = 8
  close(f.forecast(1).p90 - f.forecast(1).p50, 1.2815515655446004 * Math.sqrt(8));
});

test('damped trend and a floor at zero', () => {
  const up = new HoltForecaster({ alpha: 1, beta: 1, phi: 0.5 });
  up.update(0, 10);
  up.update(1, 20); // level 20, trend 10
  close(up.forecast(1).p50, 25); // 20 + 0.5*10
  close(up.forecast(2).p50, 27.5); // 20 + 0.75*10
  const down = new HoltForecaster({ alpha: 1, beta: 1, phi: 0.5 });
  down.update(0, 100);
  down.update(1, 20); // level 20, trend -80: 20 - 40 < 0
  assert.equal(down.forecast(1).p50, 0);
  assert.equal(down.observations, 2);
});
