import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayNumber, HolidayCalendar, holidayDates } from './holiday-calendar.js';

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
