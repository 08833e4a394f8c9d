/**
 * Holidays, and the weekday each day behaves like ("similar day", the classic treatment of
 * holidays in load forecasting). Demand on a public holiday looks like a weekend day's, and the
 * days around it change too: the working day before a Friday holiday ends like a Friday. Each
 * day is classed by whether it and the next day are days off (Saturday, Sunday or a holiday):
 *   working, working -> its own weekday if Monday-Thursday, else Wednesday
 *   working, off     -> Friday
 *   off, off         -> Saturday
 *   off, working     -> Sunday
 * A day whose class is its weekday's usual one keeps its weekday, so without holidays every day
 * is itself. Days are UTC calendar days (the series' own clock: timestamps without a zone are
 * read as UTC).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SluiceError } from '../../gateway-core/errors.js';
import { HOLIDAY_CALENDARS, isHolidayCalendarName, publicHolidays } from './public-holidays.js';

const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday: day 3 counting from Monday. */
const EPOCH_WEEKDAY = 3;
const SATURDAY = 5;
const SUNDAY = 6;

/** The day number (days since 1970-01-01, UTC) of a time. */
export function dayNumber(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS);
}

function weekdayOf(day: number): number {
  return (((day + EPOCH_WEEKDAY) % 7) + 7) % 7;
}

/** The usual weekday of each class (off today, off tomorrow), for days whose class is not their own. */
function canonical(offToday: boolean, offTomorrow: boolean): number {
  if (!offToday) return offTomorrow ? 4 : 2;
  return offTomorrow ? SATURDAY : SUNDAY;
}

export class HolidayCalendar {
  private readonly holidays: ReadonlySet<number>;
  private readonly memo = new Map<number, number>();

  /** `days`: holiday day numbers (dayNumber of any time on that day). */
  constructor(days: Iterable<number>) {
    this.holidays = new Set(days);
  }

  /** From ISO dates (YYYY-MM-DD); a bad one is named with its position. */
  static fromDates(dates: readonly string[]): HolidayCalendar {
    return new HolidayCalendar(dates.map((d, i) => parseHolidayDate(d, i)));
  }

  get days(): number[] {
    return [...this.holidays].sort((a, b) => a - b);
  }

  isHoliday(day: number): boolean {
    return this.holidays.has(day);
  }

  isOff(day: number): boolean {
    const w = weekdayOf(day);
    return w === SATURDAY || w === SUNDAY || this.holidays.has(day);
  }

  /** The weekday (0 = Monday) the day behaves like. */
  effectiveWeekday(day: number): number {
    const hit = this.memo.get(day);
    if (hit !== undefined) return hit;
    const w = weekdayOf(day);
    const offToday = this.isOff(day);
    const offTomorrow = this.isOff(day + 1);
    const usualToday = w >= SATURDAY;
    const usualTomorrow = w >= 4 && w !== SUNDAY; // Friday and Saturday are followed by a weekend day
    const out =
      offToday === usualToday && offTomorrow === usualTomorrow ? w : canonical(offToday, offTomorrow);
    this.memo.set(day, out);
    return out;
  }

  /** The time moved to the same time of day in a week whose weekday is the effective one. */
  effectiveTime(timeMs: number): number {
    const day = dayNumber(timeMs);
    return timeMs + (this.effectiveWeekday(day) - weekdayOf(day)) * DAY_MS;
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseHolidayDate(text: string, index: number): number {
  const m = ISO_DATE.exec(text.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  const date = new Date(ms);
  // Date.UTC rolls over (month 13, 30 February): a date is valid only if it comes back unchanged.
  if (!m || Number.isNaN(ms) || date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3]))
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `holiday ${index + 1} '${text}' is not a date: write holidays as YYYY-MM-DD (e.g. 2024-12-25)`,
    );
  return dayNumber(ms);
}

/**
 * Holiday dates from a command-line value: dates separated by commas, or the path of a file with
 * one date per line (a CSV's first column; a header, blank lines and # comments are skipped) or
 * lines of comma-separated dates.
 */
export function holidayDates(value: string, readFile: (path: string) => string | null): string[] {
  const text = readFile(value);
  if (text === null)
    return value
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d !== '');
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    const first = fields[0] ?? '';
    if (first === '' || first.startsWith('#') || (out.length === 0 && !/^\d/.test(first))) continue;
    // A line of dates only is a list (nothing dropped); otherwise the date is the first column.
    out.push(...(fields.every((f) => ISO_DATE.test(f)) ? fields : [first]));
  }
  return out;
}

/**
 * The entries of a --holidays value (a list or a file): dates, and names of public calendars
 * (public-holidays.ts: `us`, `england`), each checked: a bad one is named. No value (the flag
 * not given), no entries.
 */
export function holidaysFlag(value: string): string[];
export function holidaysFlag(value: string | undefined): string[] | undefined;
export function holidaysFlag(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  // Calendar names in any case ('US', 'England').
  const entries = holidayDates(value, (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null)).map((e) =>
    isHolidayCalendarName(e.toLowerCase()) ? e.toLowerCase() : e,
  );
  entries.forEach((e, i) => {
    if (isHolidayCalendarName(e)) return;
    if (!/^\d/.test(e))
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `holiday ${i + 1} '${e}' is neither a date nor a calendar: use YYYY-MM-DD or one of ${HOLIDAY_CALENDARS.join(', ')}`,
      );
    parseHolidayDate(e, i);
  });
  return entries;
}

/**
 * Dates for entries of holidaysFlag: a calendar name becomes its holidays in every year from
 * `fromMs`'s to the year after `toMs`'s (a forecast past the series' end reads next year's).
 */
export function resolveHolidays(entries: readonly string[], fromMs: number, toMs: number): string[] {
  const first = new Date(fromMs).getUTCFullYear();
  const last = new Date(toMs).getUTCFullYear() + 1;
  const out = new Set<string>();
  for (const e of entries) {
    if (!isHolidayCalendarName(e)) out.add(e.trim());
    else for (let y = first; y <= last; y++) for (const d of publicHolidays(e, y)) out.add(d);
  }
  return [...out].sort();
}
