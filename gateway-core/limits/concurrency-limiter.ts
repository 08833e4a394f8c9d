/** Counts requests in flight against a limit that may change at run time. */
export class ConcurrencyLimiter {
  private inFlightCount = 0;
  constructor(private maxInFlight: number) {
    if (!(maxInFlight >= 1))
      throw new RangeError(`ConcurrencyLimiter: limit must be >= 1, got ${maxInFlight}`);
  }
  get inFlight(): number {
    return this.inFlightCount;
  }
  get limit(): number {
    return this.maxInFlight;
  }
  setLimit(limit: number): void {
    if (!(limit >= 1)) throw new RangeError(`ConcurrencyLimiter: limit must be >= 1, got ${limit}`);
    this.maxInFlight = limit;
  }
  hasRoom(): boolean {
    return this.inFlightCount < this.maxInFlight;
  }
  tryAcquire(): boolean {
    if (this.inFlightCount >= this.maxInFlight) return false;
    this.inFlightCount++;
    return true;
  }
  release(): void {
    if (this.inFlightCount === 0) throw new Error('ConcurrencyLimiter.release without a matching acquire');
    this.inFlightCount--;
  }
}
