import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dayNumber,
  HolidayCalendar,
  holidayDates,
  holidaysFlag,
  resolveHolidays,
} from './holiday-calendar.js';

const day = (y: number, m: number, d: number) => dayNumber(Date.UTC(y, m - 1, d));
const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

test('without holidays every day behaves like itself', () => {
  const cal = new HolidayCalendar([]);
  // 2024-01-01 was a Monday.
  const week = Array.from({ length: 7 }, (_, k) => names[cal.effectiveWeekday(day(2024, 1, 1 + k))]);
  assert.deepEqual(week, names);
  assert.equal(cal.effectiveTime(Date.UTC(2024, 0, 3, 13, 30)), Date.UTC(2024, 0, 3, 13, 30));
});

test('a Friday holiday: Thursday ends the week, the holiday and the weekend after it are Saturdays but the last', () => {
  // Friday 2024-01-26 off: Thu (working, off) -> Fri; Fri (off, off) -> Sat; Sat (off, off) stays;
  // Sun (off, working) stays.
  const cal = HolidayCalendar.fromDates(['2024-01-26']);
  const days = Array.from({ length: 5 }, (_, k) => names[cal.effectiveWeekday(day(2024, 1, 24 + k))]);
  assert.deepEqual(days, ['Wed', 'Fri', 'Sat', 'Sat', 'Sun']);
  assert.ok(
    cal.isOff(day(2024, 1, 26)) && cal.isHoliday(day(2024, 1, 26)) && !cal.isHoliday(day(2024, 1, 27)),
  );
  // Calendar features read the time moved to the weekday it behaves like.
  assert.equal(cal.effectiveTime(Date.UTC(2024, 0, 26, 23, 0)), Date.UTC(2024, 0, 27, 23, 0));
});

test('a Monday holiday: the Sunday before becomes a Saturday, the holiday a Sunday; a Wednesday one splits the week', () => {
  const monday = HolidayCalendar.fromDates(['2024-05-27']);
  const around = Array.from({ length: 4 }, (_, k) => names[monday.effectiveWeekday(day(2024, 5, 25 + k))]);
  assert.deepEqual(around, ['Sat', 'Sat', 'Sun', 'Tue']);
  const wednesday = HolidayCalendar.fromDates(['2024-12-25']);
  const week = Array.from({ length: 5 }, (_, k) => names[wednesday.effectiveWeekday(day(2024, 12, 23 + k))]);
  assert.deepEqual(week, ['Mon', 'Fri', 'Sun', 'Thu', 'Fri']);
});

test('holiday dates must be YYYY-MM-DD days that exist; the bad one is named', () => {
  assert.throws(
    () => HolidayCalendar.fromDates(['2024-01-01', '2024-02-30']),
    /holiday 2 '2024-02-30' is not a date/,
  );
  assert.throws(() => HolidayCalendar.fromDates(['26/01/2024']), /YYYY-MM-DD/);
  assert.throws(() => HolidayCalendar.fromDates(['2024-13-01']), /holiday 1 '2024-13-01' is not a date/);
  assert.deepEqual(HolidayCalendar.fromDates([' 2024-01-02 ']).days, [day(2024, 1, 2)]);
});

test('holidayDates reads a comma list, or a file of one date per line (header, comments, extra columns skipped)', () => {
  const none = () => null;
  assert.deepEqual(holidayDates('2024-01-01, 2024-12-25,', none), ['2024-01-01', '2024-12-25']);
  const file = 'date,name\n2024-01-01,New Year\n\n# observed\r\n2024-12-25,Christmas\n';
  assert.deepEqual(
    holidayDates('hol.csv', (p) => (p === 'hol.csv' ? file : null)),
    ['2024-01-01', '2024-12-25'],
  );
  // A file holding a comma list keeps every date.
  assert.deepEqual(
    holidayDates('list.txt', () => '2024-01-01,2024-05-27, 2024-12-25\n'),
    ['2024-01-01', '2024-05-27', '2024-12-25'],
  );
});

test('--holidays entries: dates and calendar names, checked; names become dates for the years a series spans, and one more', () => {
  assert.deepEqual(holidaysFlag('US,2024-12-24'), ['us', '2024-12-24']);
  assert.throws(
    () => holidaysFlag('usa'),
    /holiday 1 'usa' is neither a date nor a calendar: use YYYY-MM-DD or one of us, england/,
  );
  assert.throws(() => holidaysFlag('us,2024-02-30'), /holiday 2 '2024-02-30' is not a date/);
  const dates = resolveHolidays(['england', '2024-12-24'], Date.UTC(2024, 5, 1), Date.UTC(2024, 11, 31));
  // 2024's eight bank holidays, 2025's eight (a forecast past the end), and the extra date.
  assert.equal(dates.length, 17);
  assert.deepEqual(dates.slice(0, 3), ['2024-01-01', '2024-03-29', '2024-04-01']);
  assert.ok(
    dates.includes('2024-12-24') && dates.includes('2025-04-18') && !dates.some((d) => d.startsWith('2026')),
  );
});
