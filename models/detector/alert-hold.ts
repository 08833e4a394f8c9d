/**
 * One alert per incident. A row keeps its full score only when it is higher than every score of
 * the `span` rows before it; otherwise it scores `factor` of it. An incident that goes on (a
 * level that stays shifted, a metric that keeps spiking for hours) then raises one alert at its
 * onset and another only when it gets worse, instead of one per row or per flicker: an operator
 * is paged once, and a scorer that charges every alerting row outside a label window (NAB) is
 * charged once. With factor 0.5 no held row reaches 0.5, so any threshold above that reads only
 * onsets.
 * Causal: row i reads scores i - span .. i only. O(n) with a deque of candidate maxima.
 */
export function holdAlerts(scores: ArrayLike<number>, span: number, factor = 0.5): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  // Indices of the previous `span` rows whose scores decrease from front to back: the front is
  // the window's maximum.
  const deque = new Int32Array(Math.max(1, n));
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    while (tail > head && deque[head] < i - span) head++;
    const previousMax = tail > head ? scores[deque[head]] : Number.NEGATIVE_INFINITY;
    out[i] = scores[i] > previousMax ? scores[i] : factor * scores[i];
    while (tail > head && scores[deque[tail - 1]] <= scores[i]) tail--;
    deque[tail++] = i;
  }
  return out;
}
