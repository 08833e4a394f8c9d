/**
 * The calendar on top of a diurnal workload, for runs that span weeks: quieter weekends and
 * holidays, growth, and level shifts (a customer onboarded, a feature switched off). Multiplies
 * the diurnal rate:
 *
 *   rate(t) = diurnal(t) * offDay(day of t) * (1 + trendPerDay * t / day) * product of the level
 *             shifts at or before t
 *
 * Days count from the run's start (t = 0), which is taken as a Monday: day k is a weekend day
 * when k mod 7 is 5 or 6.
 */

export interface LevelShift {
  atMs: number;
  /** Multiplies the rate from atMs on (shifts compound). */
  factor: number;
}

export interface DemandCalendar {
  /** Rate multiplier on Saturdays, Sundays and holidays (1 = no weekly season). */
  weekend?: number;
  /** Days of the run (0 = the first) that are as quiet as a Sunday. */
  holidays?: readonly number[];
  /** Relative growth per day (0.005 = +0.5% a day, linear). */
  trendPerDay?: number;
  levelShifts?: readonly LevelShift[];
}

const DAY_MS = 86_400_000;

/** Is day k of the run (from 0, a Monday) off: a weekend day or a holiday? */
export function isOffDay(day: number, holidays: readonly number[] = []): boolean {
  const weekday = ((day % 7) + 7) % 7;
  return weekday >= 5 || holidays.includes(day);
}

/** The calendar's multiplier at time t (ms from the run's start). */
export function calendarFactor(calendar: DemandCalendar): (ms: number) => number {
  const weekend = calendar.weekend ?? 1;
  const holidays = calendar.holidays ?? [];
  const trend = calendar.trendPerDay ?? 0;
  const shifts = [...(calendar.levelShifts ?? [])].sort((a, b) => a.atMs - b.atMs);
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let f = isOffDay(day, holidays) ? weekend : 1;
    f *= 1 + (trend * ms) / DAY_MS;
    for (const s of shifts) {
      if (s.atMs > ms) break;
      f *= s.factor;
    }
    return f;
  };
}

/**
 * The largest multiplier over [0, endMs]: the bound a thinned arrival process needs. The trend is
 * linear and the shifts are steps, so the largest value is at the end or just before a shift.
 */
export function largestCalendarFactor(calendar: DemandCalendar, endMs: number): number {
  const f = calendarFactor({ ...calendar, weekend: 1 });
  const weekend = Math.max(1, calendar.weekend ?? 1);
  const candidates = [0, endMs, ...(calendar.levelShifts ?? []).flatMap((s) => [s.atMs, s.atMs - 1e-6])];
  let most = 0;
  for (const t of candidates) if (t >= 0 && t <= endMs) most = Math.max(most, f(t));
  return most * weekend;
}

/** Problems with a calendar, each naming the field and the fix (empty when it is valid). */
export function calendarProblems(calendar: DemandCalendar): string[] {
  const out: string[] = [];
  if (calendar.weekend !== undefined && !(calendar.weekend > 0))
    out.push(`weekend must be > 0 (a multiplier of the weekday rate), got ${calendar.weekend}`);
  if (calendar.trendPerDay !== undefined && !(calendar.trendPerDay >= 0))
    out.push(`trendPerDay must be >= 0, got ${calendar.trendPerDay}`);
  for (const [i, d] of (calendar.holidays ?? []).entries())
    if (!Number.isInteger(d) || d < 0)
      out.push(`holidays[${i}] must be a day of the run (an integer >= 0), got ${d}`);
  for (const [i, s] of (calendar.levelShifts ?? []).entries()) {
    if (!(s.factor > 0)) out.push(`levelShifts[${i}].factor must be > 0, got ${s.factor}`);
    if (!(s.atMs >= 0)) out.push(`levelShifts[${i}].at must be >= 0, got ${s.atMs}`);
  }
  return out;
}
