/**
 * The wall clock, for the server only (the engine itself never reads time): milliseconds since
 * the Unix epoch, from the monotonic high-resolution timer anchored at process start,
 *   now = performance.timeOrigin + performance.now()
 * so it never steps backwards when the system clock is adjusted.
 */
import type { Clock } from '../clock.js';

export class WallClock implements Clock {
  private readonly origin = performance.timeOrigin;
  now(): number {
    return this.origin + performance.now();
  }
}
