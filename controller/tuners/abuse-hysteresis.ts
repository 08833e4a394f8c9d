/**
 * Flags a key as abusive with hysteresis, so a limit is not tightened and released on
 * alternate intervals:
 *
 *   flag    when score >= enter
 *   release when score <= exit for `calmIntervals` intervals in a row (exit < enter)
 *
 * Scores come from the anomaly detector, in [0, 1].
 */
export interface AbuseHysteresisOptions {
  enter: number;
  exit: number;
  calmIntervals: number;
}

export class AbuseHysteresis {
  readonly options: AbuseHysteresisOptions;
  private readonly state = new Map<string, { flagged: boolean; calm: number }>();

  constructor(options: Partial<AbuseHysteresisOptions> = {}) {
    this.options = { enter: 0.8, exit: 0.3, calmIntervals: 3, ...options };
    if (!(this.options.exit < this.options.enter))
      throw new RangeError('AbuseHysteresis: exit must be < enter');
  }

  /** Feeds one interval's score for `key`; returns whether it is flagged afterwards. */
  update(key: string, score: number): boolean {
    const s = this.state.get(key) ?? { flagged: false, calm: 0 };
    if (score >= this.options.enter) {
      s.flagged = true;
      s.calm = 0;
    } else if (s.flagged) {
      s.calm = score <= this.options.exit ? s.calm + 1 : 0;
      if (s.calm >= this.options.calmIntervals) {
        s.flagged = false;
        s.calm = 0;
      }
    }
    this.state.set(key, s);
    return s.flagged;
  }

  isFlagged(key: string): boolean {
    return this.state.get(key)?.flagged ?? false;
  }

  flagged(): Set<string> {
    return new Set([...this.state].filter(([, s]) => s.flagged).map(([k]) => k));
  }
}
