/**
 * Nelder-Mead simplex minimisation (reflection 1, expansion 2, contraction 0.5, shrink 0.5),
 * derivative-free, for a handful of smoothing parameters.
 */
export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
}

export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  opts: { maxEvaluations?: number; step?: number; tolerance?: number } = {},
): NelderMeadResult {
  const maxEval = opts.maxEvaluations ?? 200;
  const step = opts.step ?? 0.1;
  const tol = opts.tolerance ?? 1e-10;
  const n = start.length;
  let evaluations = 0;
  const evalAt = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const simplex: Array<{ x: number[]; v: number }> = [{ x: start.slice(), v: evalAt(start) }];
  for (let i = 0; i < n; i++) {
    const x = start.slice();
    x[i] += step;
    simplex.push({ x, v: evalAt(x) });
  }
  const combine = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * (b[i] - ai));
  while (evaluations < maxEval) {
    simplex.sort((a, b) => a.v - b.v);
    if (Math.abs(simplex[n].v - simplex[0].v) <= tol * (Math.abs(simplex[0].v) + tol)) break;
    const centroid = new Array(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i].x[j] / n;
    const worst = simplex[n];
    const reflected = combine(centroid, worst.x, -1);
    const rv = evalAt(reflected);
    if (rv < simplex[0].v) {
      const expanded = combine(centroid, worst.x, -2);
      const ev = evalAt(expanded);
      simplex[n] = ev < rv ? { x: expanded, v: ev } : { x: reflected, v: rv };
    } else if (rv < simplex[n - 1].v) {
      simplex[n] = { x: reflected, v: rv };
    } else {
      const contracted = combine(centroid, worst.x, 0.5);
      const cv = evalAt(contracted);
      if (cv < worst.v) simplex[n] = { x: contracted, v: cv };
      else {
        for (let i = 1; i <= n; i++) {
          const x = combine(simplex[0].x, simplex[i].x, 0.5);
          simplex[i] = { x, v: evalAt(x) };
        }
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0].x, value: simplex[0].v, evaluations };
}
