/**
 * Reads a detector's scores against the series' own scores when high scores are routine for it.
 * A raw score of 0.5 or more is meant to be rare; if more than `hotShare` of the recent blocks of
 * `block` rows hold one, the detector's scales are wrong for this series (a metric that spikes
 * every hour, readings that jump between a few levels, bursts off zero) and would alert in most
 * hours. Then each score is read as u = ln(1 + z), z the surprise it stands for (zToScore's
 * inverse: scores saturate near 1, their z do not), and becomes zToScore((u - mean) / sd) over
 * the last `history` rows: how far it stands above what this series usually scores. A fault,
 * even a long one (a six-hour drift), fills few blocks, so a series with faults rather than
 * routine alarms keeps its scores.
 * The state is re-read only when asked (once per chunk of rows), so a score never depends on a
 * later row.
 */
import { zToScore } from '../detector.js';

/** ln(1 + z) for the z that zToScore maps to this score (a score of 1 counts as z = 10^6). */
function logSurprise(score: number, zHalf: number): number {
  const s = Math.min(Math.max(score, 0), 1);
  const z = s >= 1 ? 1e6 : zHalf * Math.sqrt(s / (1 - s));
  return Math.log1p(Math.min(z, 1e6));
}

export class RoutineScoreCalibration {
  private readonly ring: Float64Array;
  private pushed = 0;
  private mean = 0;
  private sd = 0;
  private on = false;

  constructor(
    readonly hotShare = 0.5,
    readonly block = 64,
    history = 2000,
    readonly high = 0.5,
    readonly zHalf = 4,
    /** Blocks needed before the share is trusted (4 x 64 rows: as many as the detector's warm-up). */
    readonly minBlocks = 4,
  ) {
    this.ring = new Float64Array(history);
  }

  push(score: number): void {
    this.ring[this.pushed % this.ring.length] = logSurprise(score, this.zHalf);
    this.pushed++;
  }

  refresh(): void {
    const n = Math.min(this.pushed, this.ring.length);
    const first = this.pushed - n;
    const at = (k: number) => this.ring[(first + k) % this.ring.length];
    const high = logSurprise(this.high, this.zHalf);
    let blocks = 0;
    let hot = 0;
    for (let b = 0; b + this.block <= n; b += this.block) {
      blocks++;
      for (let k = b; k < b + this.block; k++) {
        if (at(k) >= high) {
          hot++;
          break;
        }
      }
    }
    this.on = blocks >= this.minBlocks && hot > this.hotShare * blocks;
    if (!this.on) return;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += at(k);
    this.mean = sum / n;
    let sq = 0;
    for (let k = 0; k < n; k++) sq += (at(k) - this.mean) ** 2;
    this.sd = Math.sqrt(sq / n);
  }

  apply(score: number): number {
    if (!this.on || this.sd === 0) return score;
    const u = logSurprise(score, this.zHalf);
    return zToScore(Math.max(0, (u - this.mean) / this.sd), this.zHalf);
  }

  /** Whether scores are being read against the series' own (high scores are routine). */
  get active(): boolean {
    return this.on;
  }
}
