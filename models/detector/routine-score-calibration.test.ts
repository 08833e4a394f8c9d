import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zToScore } from '../detector.js';
import { RoutineScoreCalibration } from './routine-score-calibration.js';

test('routine scores: an alarm in every block turns scores into their standing against the series', () => {
  const c = new RoutineScoreCalibration(0.5, 64, 2000, 0.5, 4, 4);
  // Eight blocks, each with one 0.9 among 0.1s.
  for (let i = 0; i < 512; i++) c.push(i % 64 === 10 ? 0.9 : 0.1);
  assert.equal(c.apply(0.9), 0.9, 'nothing changes before refresh()');
  c.refresh();
  assert.equal(c.active, true);
  // Scores are read as u = ln(1 + z), z = 4 sqrt(s / (1 - s)) (the surprise zToScore maps to s).
  const u = (s: number) => Math.log1p(4 * Math.sqrt(s / (1 - s)));
  const mean = (u(0.9) + 63 * u(0.1)) / 64;
  const sd = Math.sqrt(((u(0.9) - mean) ** 2 + 63 * (u(0.1) - mean) ** 2) / 64);
  assert.ok(Math.abs(c.apply(0.9) - zToScore((u(0.9) - mean) / sd, 4)) < 1e-12);
  // A score beyond the routine ones, read on the same scale: 0.999 is z 126, u 4.85.
  assert.ok(Math.abs(c.apply(0.999) - zToScore((u(0.999) - mean) / sd, 4)) < 1e-12);
  assert.ok(c.apply(0.999) > c.apply(0.9) + 0.1, 'unsaturated: a far larger surprise reads higher');
  assert.equal(c.apply(0.05), 0, 'below the usual score: 0');
});

test('routine scores: alarms in a few blocks (a fault) leave scores alone; so do too few blocks', () => {
  const fault = new RoutineScoreCalibration(0.5, 64, 2000, 0.5, 4, 4);
  // A long fault fills 3 of 8 blocks.
  for (let i = 0; i < 512; i++) fault.push(i >= 100 && i < 280 ? 0.95 : 0.05);
  fault.refresh();
  assert.equal(fault.active, false);
  assert.equal(fault.apply(0.95), 0.95);
  const young = new RoutineScoreCalibration(0.5, 64, 2000, 0.5, 4, 4);
  for (let i = 0; i < 192; i++) young.push(0.9); // three blocks, all hot, under the four needed
  young.refresh();
  assert.equal(young.active, false);
});

test('routine scores: only the last `history` scores count', () => {
  const c = new RoutineScoreCalibration(0.5, 64, 256, 0.5, 4, 4);
  for (let i = 0; i < 256; i++) c.push(i % 64 === 0 ? 0.9 : 0.1); // routine
  for (let i = 0; i < 256; i++) c.push(0.1); // then quiet: the routine part is out of the window
  c.refresh();
  assert.equal(c.active, false);
});
