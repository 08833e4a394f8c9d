/**
 * Calendar budget periods in UTC, from epoch milliseconds: hours, days, ISO weeks (Monday
 * 00:00 UTC to the next Monday) and calendar months. Months and weeks are not fixed lengths,
 * so the bounds come from the calendar, not from a modulus.
 */
import type { BudgetSpec } from '../policy/schema.js';

export type BudgetPeriod = BudgetSpec['period'];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Start (inclusive) of the period that contains `t`. */
export function periodStart(period: BudgetPeriod, t: number): number {
  switch (period) {
    case 'hour':
      return Math.floor(t / HOUR_MS) * HOUR_MS;
    case 'day':
      return Math.floor(t / DAY_MS) * DAY_MS;
    case 'week': {
      // 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0.
      const day = Math.floor(t / DAY_MS);
      const weekday = (((day + 3) % 7) + 7) % 7;
      return (day - weekday) * DAY_MS;
    }
    case 'month': {
      const d = new Date(t);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
  }
}

/** End (exclusive) of the period that starts at `start`: the next period's start. */
export function periodEnd(period: BudgetPeriod, start: number): number {
  switch (period) {
    case 'hour':
      return start + HOUR_MS;
    case 'day':
      return start + DAY_MS;
    case 'week':
      return start + 7 * DAY_MS;
    case 'month': {
      const d = new Date(start);
      // Date.UTC carries month 12 into January of the next year.
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
}
