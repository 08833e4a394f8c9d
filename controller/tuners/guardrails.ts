/**
 * Guardrails between the tuners and the rollout manager. For each proposed change of a tuned
 * parameter (from -> to):
 *
 *   held if the kill switch is on, the parameter has no bounds, it changed less than `cooldownMs`
 *   ago, or |to - from| / |from| < deadband (noise, not signal)
 *   to' = clamp(to, from * (1 - maxStep), from * (1 + maxStep))    (from > 0; a step cap)
 *   to' = clamp(to', min, max), rounded for integer parameters
 *
 * Bounds are looked up by exact name, then by pattern with `*` standing for any non-empty text
 * (`tenant.*.rpm` also covers a tenant named `eu.acme`). A parameter without bounds is never changed: every tuned value must
 * have them. Dry-run reviews as usual but marks the result so that nothing is applied.
 */
export interface ParameterBounds {
  min: number;
  max: number;
  /** Largest relative change in one step (overrides the default). */
  maxStep?: number;
  cooldownMs?: number;
  integer?: boolean;
}

export interface GuardrailOptions {
  bounds: Record<string, ParameterBounds>;
  maxStep: number;
  cooldownMs: number;
  deadband: number;
  killSwitch: boolean;
  dryRun: boolean;
}

export interface ProposedChange {
  param: string;
  from: number;
  to: number;
}

export interface ReviewedChange extends ProposedChange {
  /** What the tuner asked for, before clamping. */
  proposed: number;
  clampedBy: ('step' | 'min' | 'max')[];
}

export interface Review {
  apply: ReviewedChange[];
  held: { change: ProposedChange; reason: string }[];
  dryRun: boolean;
}

function matches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+')}$`,
  );
  return re.test(name);
}

export class Guardrails {
  readonly options: GuardrailOptions;
  private readonly lastChange = new Map<string, number>();

  constructor(options: Partial<GuardrailOptions> & Pick<GuardrailOptions, 'bounds'>) {
    this.options = {
      maxStep: 0.5,
      cooldownMs: 60_000,
      deadband: 0.02,
      killSwitch: false,
      dryRun: false,
      ...options,
    };
    for (const [name, b] of Object.entries(this.options.bounds))
      if (!(b.min <= b.max)) throw new RangeError(`Guardrails: bounds of ${name} have min > max`);
  }

  boundsOf(param: string): ParameterBounds | null {
    const exact = this.options.bounds[param];
    if (exact) return exact;
    for (const [pattern, b] of Object.entries(this.options.bounds)) if (matches(pattern, param)) return b;
    return null;
  }

  setKillSwitch(on: boolean): void {
    this.options.killSwitch = on;
  }

  review(now: number, changes: readonly ProposedChange[]): Review {
    const out: Review = { apply: [], held: [], dryRun: this.options.dryRun };
    for (const change of changes) {
      const hold = (reason: string) => out.held.push({ change, reason });
      if (this.options.killSwitch) {
        hold('kill switch on');
        continue;
      }
      const b = this.boundsOf(change.param);
      if (!b) {
        hold('no bounds for this parameter');
        continue;
      }
      const last = this.lastChange.get(change.param);
      const cooldown = b.cooldownMs ?? this.options.cooldownMs;
      if (last !== undefined && now - last < cooldown) {
        hold(`cool-down: changed ${now - last} ms ago (< ${cooldown} ms)`);
        continue;
      }
      const { from, to } = change;
      const clampedBy: ReviewedChange['clampedBy'] = [];
      let v = to;
      if (from > 0) {
        const step = b.maxStep ?? this.options.maxStep;
        if (v > from * (1 + step)) {
          v = from * (1 + step);
          clampedBy.push('step');
        } else if (v < from * (1 - step)) {
          v = from * (1 - step);
          clampedBy.push('step');
        }
      }
      if (v < b.min) {
        v = b.min;
        clampedBy.push('min');
      } else if (v > b.max) {
        v = b.max;
        clampedBy.push('max');
      }
      if (b.integer) v = Math.round(v);
      const rel = from !== 0 ? Math.abs(v - from) / Math.abs(from) : v !== 0 ? Number.POSITIVE_INFINITY : 0;
      if (rel < this.options.deadband || v === from) {
        hold(`below the ${this.options.deadband} dead band`);
        continue;
      }
      out.apply.push({ param: change.param, from, to: v, proposed: to, clampedBy });
    }
    return out;
  }

  /** Records changes that were applied (starts their cool-down). Not called in dry-run. */
  record(now: number, applied: readonly ProposedChange[]): void {
    for (const c of applied) this.lastChange.set(c.param, now);
  }

  /** When a parameter last changed (ms), for the audit trail. */
  lastChangedAt(param: string): number | null {
    return this.lastChange.get(param) ?? null;
  }
}
