/**
 * Seeded pseudo-random numbers (sfc32, seeded through splitmix32). The engine and the simulator
 * take an `Rng` instead of calling Math.random, so the same seed replays the same run.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class SeededRng implements Rng {
  /**
   * sfc32's four words. Kept in an Int32Array rather than four fields: the words are full
   * 32-bit values (outside V8's small-integer range), and typed-array elements are stored raw,
   * so a draw writes memory instead of possibly boxing a heap number per word.
   */
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    const init = splitmix32(Math.floor(seed) ^ 0x5eed);
    const s = this.s;
    s[0] = init();
    s[1] = init();
    s[2] = init();
    s[3] = init();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const s = this.s;
    const a = s[0];
    const b = s[1];
    const c = s[2];
    const d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    s[2] = (r + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An independent stream derived from this one (for per-component randomness). */
  fork(): SeededRng {
    return new SeededRng(this.nextUint32());
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    return -Math.log(1 - this.nextUint32() / 4294967296) / rate;
  }

  /** Standard normal by Box-Muller (one value per call; the pair's twin is discarded for simplicity). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal whose median is `median` and whose log has standard deviation `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}
