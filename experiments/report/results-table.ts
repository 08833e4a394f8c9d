/**
 * The results table as rows, shared by the HTML and Markdown reports: per metric, grid point
 * and arm, the mean with its 95% bootstrap CI, and against the baseline the paired difference
 * with its CI, relative change, both tests, d_z and a plain verdict.
 */
import type { ExperimentResults } from '../results.js';
import { formatNumber, formatP } from '../stats.js';
import { formatRange, formatValue, metricLabel } from './headline.js';

export interface ResultRow {
  metric: string;
  gridKey: string;
  arm: string;
  isBaseline: boolean;
  mean: string;
  ci: string;
  diff: string;
  diffCi: string;
  relative: string;
  pT: string;
  pW: string;
  dz: string;
  /** 'better', 'worse', 'not significant' or 'baseline'. */
  verdict: string;
}

export function resultRows(results: ExperimentResults): ResultRow[] {
  const rows: ResultRow[] = [];
  const grids = [...new Set(results.runs.map((r) => r.gridKey))];
  for (const m of results.spec.metrics) {
    for (const g of grids) {
      for (const arm of results.spec.arms.map((a) => a.name)) {
        const am = results.stats.armMetrics.find(
          (x) => x.metric === m.name && x.gridKey === g && x.arm === arm,
        );
        if (!am) continue;
        const c = results.stats.comparisons.find(
          (x) => x.metric === m.name && x.gridKey === g && x.arm === arm,
        );
        const isBaseline = arm === results.spec.baseline;
        const f = (v: number) => formatValue(v, am.unit);
        rows.push({
          metric: metricLabel(m.name),
          gridKey: g,
          arm,
          isBaseline,
          mean: am.mean === null ? 'n/a' : f(am.mean),
          ci: am.ci === null ? '' : formatRange(am.ci[0], am.ci[1], am.unit),
          diff: c ? `${c.meanDiff >= 0 ? '+' : ''}${f(c.meanDiff)}` : '',
          diffCi: c ? formatRange(c.diffCi[0], c.diffCi[1], c.unit) : '',
          relative:
            c && c.relativeChangePct !== null
              ? `${c.relativeChangePct >= 0 ? '+' : ''}${c.relativeChangePct.toFixed(1)}%`
              : '',
          pT: c ? formatP(c.tTest.p).replace('p = ', '').replace('p ', '') : '',
          pW: c ? formatP(c.wilcoxon.p).replace('p = ', '').replace('p ', '') : '',
          dz: c ? formatNumber(c.cohensDz) : '',
          verdict: isBaseline
            ? 'baseline'
            : !c
              ? 'no pairs'
              : c.improved === null
                ? 'not significant'
                : c.improved
                  ? 'better'
                  : 'worse',
        });
      }
    }
  }
  return rows;
}
