import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSluiceError } from '../errors.js';
import { BudgetTracker } from './budget-tracker.js';

const utc = Date.UTC;

test('BudgetTracker: ok, soft at the threshold, exhausted at the limit; each alert once per period', () => {
  const b = new BudgetTracker({ usd: 10, period: 'month', softThreshold: 0.8 });
  const jan15 = utc(2026, 0, 15);
  assert.equal(b.state(jan15), 'ok');
  assert.equal(b.remaining(jan15), 10);
  assert.equal(b.spend(5, jan15), 'ok');
  assert.equal(b.spend(2.75, jan15 + 1), 'ok');
  assert.equal(b.remaining(jan15 + 1), 2.25);
  assert.equal(b.spend(0.25, jan15 + 2), 'soft');
  assert.equal(b.spend(1, jan15 + 3), 'soft');
  assert.equal(b.softAlerts, 1);
  assert.equal(b.spend(1, jan15 + 4), 'exhausted');
  assert.equal(b.spend(3, jan15 + 5), 'exhausted');
  assert.equal(b.remaining(jan15 + 5), 0);
  assert.equal(b.spent(jan15 + 5), 13);
  assert.deepEqual(b.takeAlerts(), [
    { kind: 'soft', at: jan15 + 2, periodStart: utc(2026, 0, 1), spentUsd: 8, limitUsd: 10 },
    { kind: 'exhausted', at: jan15 + 4, periodStart: utc(2026, 0, 1), spentUsd: 10, limitUsd: 10 },
  ]);
  assert.deepEqual(b.takeAlerts(), []);
  assert.equal(b.resetsAt(jan15), utc(2026, 1, 1));
});

test('BudgetTracker: the month rolls over exactly at Feb 1 00:00:00.000 UTC', () => {
  const b = new BudgetTracker({ usd: 4, period: 'month' });
  assert.equal(b.softThreshold, 0.8);
  const lastMs = utc(2026, 1, 1) - 1;
  assert.equal(b.spend(4, utc(2026, 0, 31, 23, 0)), 'exhausted');
  assert.equal(b.state(lastMs), 'exhausted');
  assert.equal(b.state(utc(2026, 1, 1)), 'ok');
  assert.equal(b.remaining(utc(2026, 1, 1)), 4);
  assert.equal(b.spend(3.5, utc(2026, 1, 28, 23, 59)), 'soft');
  assert.equal(b.softAlerts, 2);
  assert.equal(b.exhaustedAlerts, 1);
  // February 2026 has 28 days: March starts afresh.
  assert.equal(b.resetsAt(utc(2026, 1, 28)), utc(2026, 2, 1));
  assert.equal(b.spent(utc(2026, 2, 1)), 0);
  assert.deepEqual(
    b.takeAlerts().map((a) => [a.kind, a.periodStart]),
    [
      ['soft', utc(2026, 0, 1)],
      ['exhausted', utc(2026, 0, 1)],
      ['soft', utc(2026, 1, 1)],
    ],
  );
});

test('BudgetTracker: hourly, daily and weekly periods reset at their UTC boundaries', () => {
  const hourly = new BudgetTracker({ usd: 1, period: 'hour' });
  hourly.spend(1, utc(2026, 10, 27, 9, 59, 59, 999));
  assert.equal(hourly.state(utc(2026, 10, 27, 9, 59, 59, 999)), 'exhausted');
  assert.equal(hourly.state(utc(2026, 10, 27, 10)), 'ok');
  const daily = new BudgetTracker({ usd: 2, period: 'day', softThreshold: 0.5 });
  assert.equal(daily.spend(1, utc(2026, 10, 27, 23, 30)), 'soft');
  assert.equal(daily.state(utc(2026, 10, 28)), 'ok');
  const weekly = new BudgetTracker({ usd: 2, period: 'week' });
  weekly.spend(2, utc(2026, 10, 29, 23)); // Sunday
  assert.equal(weekly.state(utc(2026, 10, 30) - 1), 'exhausted');
  assert.equal(weekly.state(utc(2026, 10, 30)), 'ok'); // Monday
});

test('BudgetTracker: refunds, a retuned limit, and a stale time counted in the current period', () => {
  const b = new BudgetTracker({ usd: 10, period: 'day', softThreshold: 0.5 });
  const t = utc(2026, 10, 27, 12);
  b.spend(6, t);
  assert.equal(b.spend(-2.5, t), 'ok');
  assert.equal(b.spend(-100, t), 'ok');
  assert.equal(b.spent(t), 0);
  b.spend(6, t);
  b.setLimit(5);
  assert.equal(b.limitUsd, 5);
  assert.equal(b.state(t), 'exhausted');
  // The soft alert fired at 6 of 10; the exhausted one fires on the next spend past the new limit.
  assert.equal(b.spend(0, t - 1000), 'exhausted');
  assert.deepEqual(
    b.takeAlerts().map((a) => [a.kind, a.spentUsd, a.limitUsd]),
    [
      ['soft', 6, 10],
      ['exhausted', 6, 5],
    ],
  );
});

test('BudgetTracker: bad budgets throw SLUICE_CONFIG_INVALID', () => {
  const invalid = (e: unknown) => isSluiceError(e) && e.code === 'SLUICE_CONFIG_INVALID';
  assert.throws(() => new BudgetTracker({ usd: 0, period: 'day' }), invalid);
  assert.throws(() => new BudgetTracker({ usd: Number.NaN, period: 'day' }), invalid);
  assert.throws(() => new BudgetTracker({ usd: 1, period: 'day', softThreshold: 1.5 }), invalid);
  assert.throws(() => new BudgetTracker({ usd: 1, period: 'day' }).setLimit(-1), invalid);
  assert.throws(() => new BudgetTracker({ usd: 1, period: 'day' }).spend(Number.NaN, 0), RangeError);
});
