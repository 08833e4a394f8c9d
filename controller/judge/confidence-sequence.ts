/**
 * Anytime-valid inference by the normal-mixture sequential probability ratio test (mSPRT;
 * Robbins 1970, Johari, Pekelis & Walsh 2017 "Always valid inference"). For an estimate
 * theta_hat that is approximately N(theta, V) with V shrinking as data accrue, mixing the
 * likelihood ratio over theta ~ N(theta0, tau^2) gives
 *
 *   Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 (theta_hat - theta0)^2 / (2 V (V + tau^2)))
 *
 * and P(Lambda ever >= 1/alpha | theta = theta0) <= alpha, however often one looks (Ville's
 * inequality on a nonnegative martingale). Inverting it gives a confidence sequence:
 *
 *   theta in theta_hat -+ sqrt(V (V + tau^2) / tau^2 * log((V + tau^2) / (V alpha^2)))
 *
 * which covers theta at every look simultaneously with probability >= 1 - alpha. The judge
 * uses the two-sided sequence at alpha for each one-sided decision (conservative by at most 2x).
 * tau is the effect size the test is tuned to find quickest; any tau keeps the guarantee.
 * The guarantee is exact for Gaussian increments and asymptotic for the rank and proportion
 * statistics fed to it here (the A/A simulations in rollout-judge.test.ts check it).
 */

/** Half-width of the (1 - alpha) confidence sequence at the current look. */
export function mixtureHalfWidth(variance: number, tau: number, alpha: number): number {
  if (!(variance > 0)) return Number.POSITIVE_INFINITY;
  const t2 = tau * tau;
  return Math.sqrt(
    ((variance * (variance + t2)) / t2) * Math.log((variance + t2) / (variance * alpha * alpha)),
  );
}

/** The always-valid p-value of H0: theta = theta0 at this look: min(1, 1 / Lambda). */
export function mixturePValue(estimate: number, variance: number, tau: number, theta0 = 0): number {
  if (!(variance > 0)) return 1;
  const t2 = tau * tau;
  const d = estimate - theta0;
  const logLambda =
    0.5 * Math.log(variance / (variance + t2)) + (t2 * d * d) / (2 * variance * (variance + t2));
  return Math.min(1, Math.exp(-logLambda));
}

export interface ConfidenceSequence {
  estimate: number;
  lower: number;
  upper: number;
}

export function confidenceSequence(
  estimate: number,
  variance: number,
  tau: number,
  alpha: number,
): ConfidenceSequence {
  const h = mixtureHalfWidth(variance, tau, alpha);
  return { estimate, lower: estimate - h, upper: estimate + h };
}
