import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dieboldMariano } from './diebold-mariano.js';

// Known answers from R 4.2, forecast 8.20: dm.test(e1, e2, h, power, alternative, varestimator).
const e1 = [
  1.2, -0.8, 2.5, 0.3, -1.9, 1.1, 0.7, -2.2, 1.6, 0.4, -0.5, 2.9, -1.3, 0.8, 1.7, -0.2, 2.1, -1.0, 0.6, 1.4,
];
const e2 = [
  0.9, -0.5, 1.8, 0.6, -1.1, 0.7, 0.9, -1.5, 1.2, 0.1, -0.9, 1.9, -1.0, 0.5, 1.1, -0.4, 1.5, -0.8, 0.3, 1.0,
];
// Errors that come in pairs, so the loss differential is correlated at lag 1.
const a1 = [
  1.2, 1.0, 2.5, 2.3, -1.9, -1.7, 0.7, 0.9, 1.6, 1.4, -0.5, -0.3, -1.3, -1.1, 1.7, 1.9, 2.1, 2.0, 0.6, 0.4,
];
const a2 = [
  0.9, 0.6, 1.8, 1.9, -1.1, -1.2, 0.9, 0.8, 1.2, 0.9, -0.9, -0.6, -1.0, -1.2, 1.1, 1.3, 1.5, 1.6, 0.3, 0.5,
];

const close = (actual: number, expected: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs R's ${expected}`,
  );

test('dieboldMariano matches R forecast::dm.test', () => {
  const cases = [
    { e: [e1, e2], o: { h: 1, power: 2 }, dm: 3.492997047913765, p: 0.00243371348287463 },
    {
      e: [e1, e2],
      o: { h: 1, power: 1, alternative: 'greater' as const },
      dm: 3.9159019961141723,
      p: 0.000464233523020006,
    },
    {
      e: [e1, e2],
      o: { h: 3, power: 1, alternative: 'less' as const, varEstimator: 'bartlett' as const },
      dm: 7.81533924785451,
      p: 0.999999881666506,
    },
    {
      e: [e1, e2],
      o: { h: 4, power: 2, alternative: 'greater' as const, varEstimator: 'bartlett' as const },
      dm: 5.82719482657169,
      p: 6.49117114531512e-6,
    },
    {
      e: [a1, a2],
      o: { h: 2, power: 1, alternative: 'greater' as const },
      dm: 2.8824385943631867,
      p: 0.00476976705557609,
    },
    {
      e: [a1, a2],
      o: { h: 2, power: 2, varEstimator: 'bartlett' as const },
      dm: 3.387484167428195,
      p: 0.00309071503846163,
    },
  ];
  for (const c of cases) {
    const r = dieboldMariano(c.e[0], c.e[1], c.o);
    close(r.statistic, c.dm, `DM ${JSON.stringify(c.o)}`);
    close(r.pValue, c.p, `p ${JSON.stringify(c.o)}`);
    assert.equal(r.fellBackToOneStep, false);
  }
});

test("dieboldMariano retries with h = 1 where the 'acf' variance is negative, as R does, and says so", () => {
  // R: "Variance is negative. Try varestimator = bartlett. Proceeding with horizon h=1."
  const r = dieboldMariano(e1, e2, { h: 3, power: 1 });
  assert.equal(r.fellBackToOneStep, true);
  assert.equal(r.h, 1);
  close(r.statistic, 3.9159019961141723, 'DM');
  close(r.pValue, 0.000928467046040012, 'p');
});

test('dieboldMariano names what is wrong with its input', () => {
  assert.throws(() => dieboldMariano([1, 2], [1]), /2 errors against 1/);
  assert.throws(() => dieboldMariano([1, 2, 3], [1, 2, 3]), /zero variance/);
  assert.throws(() => dieboldMariano([1, 2, 3, 4], [2, 1, 3, 5], { h: 0 }), /h must be/);
  assert.throws(
    () => dieboldMariano([1, 2, 3, 4], [2, 1, 3, 5], { h: 4, varEstimator: 'bartlett' }),
    /too few for h = 4/,
  );
});
