import assert from 'node:assert/strict';
import { test } from 'node:test';
import { easterSunday, publicHolidays } from './public-holidays.js';

test('US federal holidays with observed days (known lists, opm.gov)', () => {
  assert.deepEqual(publicHolidays('us', 2024), [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-10-14',
    '2024-11-11',
    '2024-11-28',
    '2024-12-25',
  ]);
  // 2021: Independence Day on a Sunday (observed Monday 5 July), Christmas on a Saturday (Friday
  // 24 December); 2022's New Year's Day, a Saturday, is observed on Friday 31 December 2021.
  const y2021 = publicHolidays('us', 2021);
  assert.ok(y2021.includes('2021-07-05') && y2021.includes('2021-12-24') && !y2021.includes('2021-07-04'));
  assert.equal(publicHolidays('us', 2022)[0], '2021-12-31');
  // No Juneteenth before 2021.
  assert.equal(publicHolidays('us', 2014).length, 10);
  assert.ok(publicHolidays('us', 2014).includes('2014-11-27'));
});

test('England and Wales bank holidays with substitute days (known lists, gov.uk)', () => {
  assert.deepEqual(publicHolidays('england', 2024), [
    '2024-01-01',
    '2024-03-29',
    '2024-04-01',
    '2024-05-06',
    '2024-05-27',
    '2024-08-26',
    '2024-12-25',
    '2024-12-26',
  ]);
  // 2021: Christmas on a Saturday, Boxing Day on a Sunday -> Monday 27 and Tuesday 28.
  assert.deepEqual(publicHolidays('england', 2021), [
    '2021-01-01',
    '2021-04-02',
    '2021-04-05',
    '2021-05-03',
    '2021-05-31',
    '2021-08-30',
    '2021-12-27',
    '2021-12-28',
  ]);
  // 2022 began on a Saturday: Monday 3 January.
  assert.equal(publicHolidays('england', 2022)[0], '2022-01-03');
});

test('Easter Sunday (Gregorian computus) on known years', () => {
  const iso = (y: number) => new Date(easterSunday(y)).toISOString().slice(0, 10);
  assert.deepEqual([2000, 2019, 2024, 2025, 2038].map(iso), [
    '2000-04-23',
    '2019-04-21',
    '2024-03-31',
    '2025-04-20',
    '2038-04-25',
  ]);
});
