/**
 * What a call costs at per-token prices, as models are priced: USD per million tokens.
 *
 *   costUsd = (inputTokens * inputPricePerMTok + outputTokens * outputPricePerMTok) / 1e6
 *
 * Dividing once at the end (rather than pricing per token) keeps integer token counts and
 * prices exact until that single rounding.
 */

/** A ModelSpec from the policy satisfies this as it is. */
export interface TokenPrices {
  readonly inputPricePerMTok: number;
  readonly outputPricePerMTok: number;
}

export function costUsd(inputTokens: number, outputTokens: number, prices: TokenPrices): number {
  if (!(inputTokens >= 0) || !(outputTokens >= 0))
    throw new RangeError(`costUsd: token counts must be >= 0, got ${inputTokens} and ${outputTokens}`);
  return (inputTokens * prices.inputPricePerMTok + outputTokens * prices.outputPricePerMTok) / 1_000_000;
}
