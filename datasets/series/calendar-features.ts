/**
 * Calendar features of a UTC time, on the unit circle so that 23:59 sits next to 00:00:
 *   [sin(2pi m/1440), cos(2pi m/1440), sin(2pi d/7), cos(2pi d/7)],
 * m = minute of day (with fractions), d = day of week (Monday = 0, with fractions of the day).
 */
export const CALENDAR_FEATURES = 4;

const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday: day 3 counting from Monday. */
const EPOCH_WEEKDAY = 3;

export function calendarFeatures(
  timeMs: number,
  out = new Float32Array(CALENDAR_FEATURES),
  offset = 0,
): Float32Array {
  const days = timeMs / DAY_MS;
  const dayFrac = days - Math.floor(days);
  const week = (((days + EPOCH_WEEKDAY) % 7) + 7) % 7;
  out[offset] = Math.sin(2 * Math.PI * dayFrac);
  out[offset + 1] = Math.cos(2 * Math.PI * dayFrac);
  out[offset + 2] = Math.sin((2 * Math.PI * week) / 7);
  out[offset + 3] = Math.cos((2 * Math.PI * week) / 7);
  return out;
}

/** Minute of day (0..1439) and day of week (0 = Monday), UTC. */
export function minuteOfDay(timeMs: number): number {
  return Math.floor((((timeMs % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
}

export function dayOfWeek(timeMs: number): number {
  return (((Math.floor(timeMs / DAY_MS) + EPOCH_WEEKDAY) % 7) + 7) % 7;
}
