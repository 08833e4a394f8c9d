/**
 * Public holiday calendars by name, for `--holidays us` and the like: the rules, not a table, so
 * any year works. Moved or one-off holidays (a coronation, a jubilee's moved Spring bank holiday)
 * are not rules: add them as dates beside the name.
 *   us       US federal holidays, with the observed day (Saturday -> Friday, Sunday -> Monday)
 *   england  England and Wales bank holidays, with substitute days (a weekend holiday moves to
 *            the next working day that is not itself a holiday)
 */
const DAY_MS = 86_400_000;

export const HOLIDAY_CALENDARS = ['us', 'england'] as const;
export type HolidayCalendarName = (typeof HOLIDAY_CALENDARS)[number];

export function isHolidayCalendarName(name: string): name is HolidayCalendarName {
  return (HOLIDAY_CALENDARS as readonly string[]).includes(name);
}

/** The holidays of one calendar in one year, as YYYY-MM-DD, in date order. */
export function publicHolidays(name: HolidayCalendarName, year: number): string[] {
  const days = name === 'us' ? usFederal(year) : englandAndWales(year);
  return days.sort((a, b) => a - b).map((ms) => new Date(ms).toISOString().slice(0, 10));
}

const date = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day);
/** 0 = Sunday ... 6 = Saturday (JavaScript's order). */
const weekday = (ms: number) => new Date(ms).getUTCDay();

/** The n-th (1-based) given weekday of a month; n = -1 for the last. */
function nthWeekday(year: number, month: number, day: number, n: number): number {
  if (n > 0) {
    const first = date(year, month, 1);
    return first + (((day - weekday(first) + 7) % 7) + 7 * (n - 1)) * DAY_MS;
  }
  const last = date(year, month + 1, 0);
  return last - ((weekday(last) - day + 7) % 7) * DAY_MS;
}

/** US rule: a holiday on Saturday is observed on Friday, on Sunday on Monday. */
function observedUs(ms: number): number {
  const w = weekday(ms);
  return w === 6 ? ms - DAY_MS : w === 0 ? ms + DAY_MS : ms;
}

function usFederal(year: number): number[] {
  const MONDAY = 1;
  const THURSDAY = 4;
  return [
    observedUs(date(year, 1, 1)),
    ...(year >= 1986 ? [nthWeekday(year, 1, MONDAY, 3)] : []), // Martin Luther King Jr. Day
    nthWeekday(year, 2, MONDAY, 3), // Washington's Birthday
    nthWeekday(year, 5, MONDAY, -1), // Memorial Day
    ...(year >= 2021 ? [observedUs(date(year, 6, 19))] : []), // Juneteenth
    observedUs(date(year, 7, 4)),
    nthWeekday(year, 9, MONDAY, 1), // Labor Day
    nthWeekday(year, 10, MONDAY, 2), // Columbus Day
    observedUs(date(year, 11, 11)), // Veterans Day
    nthWeekday(year, 11, THURSDAY, 4), // Thanksgiving
    observedUs(date(year, 12, 25)),
  ];
}

/** Easter Sunday (Gregorian; the anonymous algorithm of Meeus, Jones and Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return date(year, month, day);
}

function englandAndWales(year: number): number[] {
  const MONDAY = 1;
  const easter = easterSunday(year);
  const fixed = [
    easter - 2 * DAY_MS, // Good Friday
    easter + DAY_MS, // Easter Monday
    nthWeekday(year, 5, MONDAY, 1), // Early May
    nthWeekday(year, 5, MONDAY, -1), // Spring
    nthWeekday(year, 8, MONDAY, -1), // Summer
  ];
  // New Year's Day, Christmas and Boxing Day, in that order: one on a weekend takes the next
  // weekday not already taken (Christmas on Saturday: Monday 27 and, for Boxing Day, Tuesday 28).
  const taken = new Set<number>();
  const out = [...fixed];
  for (const day of [date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)]) {
    let d = day;
    while (weekday(d) === 0 || weekday(d) === 6 || taken.has(d)) d += DAY_MS;
    taken.add(d);
    out.push(d);
  }
  return out;
}
