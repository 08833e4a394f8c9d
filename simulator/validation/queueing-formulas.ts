/**
 * Closed forms the validation tests compare against.
 *
 *   Erlang C (M/M/c, offered load a = lambda / mu < c):
 *     P(wait) = (a^c / c!) * c / (c - a)  /  ( sum_{k<c} a^k / k!  +  (a^c / c!) * c / (c - a) )
 *     Wq      = P(wait) / (c * mu - lambda)
 *   Pollaczek-Khinchine (M/G/1; for M/D/1 E[S^2] = 1 / mu^2):
 *     Wq      = lambda * E[S^2] / (2 * (1 - rho)) = rho / (2 * mu * (1 - rho))
 * Rates in 1/s, waits in seconds.
 */
export function erlangC(
  servers: number,
  arrivalRate: number,
  serviceRate: number,
): { pWait: number; meanWaitS: number } {
  const a = arrivalRate / serviceRate;
  if (!(a < servers)) throw new RangeError('erlangC: needs lambda < c * mu');
  let term = 1;
  let sum = 0;
  for (let k = 0; k < servers; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const last = ((term * a) / servers) * (servers / (servers - a));
  const pWait = last / (sum + last);
  return { pWait, meanWaitS: pWait / (servers * serviceRate - arrivalRate) };
}

export function pollaczekKhinchineMD1(arrivalRate: number, serviceRate: number): number {
  const rho = arrivalRate / serviceRate;
  if (!(rho < 1)) throw new RangeError('P-K: needs rho < 1');
  return rho / (2 * serviceRate * (1 - rho));
}
