/**
 * Robust scaling: z = (x - median) / IQR, with the IQR taken as (q75 - q25). Medians and
 * quartiles ignore outliers, so one spike in the training span does not squash the rest.
 * A flat span has IQR 0: fall back to 1.4826 * MAD, then to the mean absolute deviation, then 1.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: ArrayLike<number>): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

export class RobustScaler {
  constructor(
    readonly center: number,
    readonly scale: number,
  ) {}

  static fit(values: ArrayLike<number>): RobustScaler {
    const sorted = Float64Array.from(values).sort();
    const center = quantileSorted(sorted, 0.5);
    let scale = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
    if (!(scale > 0)) {
      const dev = Float64Array.from(sorted, (v) => Math.abs(v - center)).sort();
      scale = 1.4826 * quantileSorted(dev, 0.5);
      if (!(scale > 0)) scale = dev.reduce((a, b) => a + b, 0) / Math.max(1, dev.length);
      if (!(scale > 0)) scale = 1;
    }
    return new RobustScaler(center, scale);
  }

  transform(x: number): number {
    return (x - this.center) / this.scale;
  }

  inverse(z: number): number {
    return z * this.scale + this.center;
  }

  toJSON(): { center: number; scale: number } {
    return { center: this.center, scale: this.scale };
  }
}
