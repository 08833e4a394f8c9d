/**
 * The forecasting table of `npm run eval` and `sluice forecast compare`: one row per model and
 * scenario (MASE, sMAPE, pinball, p90 coverage, ratio to the best baseline, fit time), then per
 * scenario the candidate against the best baseline with the ratio's interval and the test.
 */
import type { ScenarioResult } from './forecast-evaluation.js';

export function fmt(x: number | null, d = 3): string {
  return x === null || !Number.isFinite(x) ? '-' : x.toFixed(d);
}

function formatInterval(i: [number, number] | null): string {
  return i ? `[${fmt(i[0])}, ${fmt(i[1])}]` : '[no interval: under 5 blocks of overlapping origins]';
}

function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

export function scenarioTable(results: readonly ScenarioResult[]): string[] {
  if (results.length === 0) return [];
  const lines: string[] = [];
  const width = Math.max(34, ...results.map((s) => s.scenario.length + 1));
  lines.push(
    `${'scenario'.padEnd(width)}model                    MASE   sMAPE%  pinball    cov90  vs-best  fit-s`,
  );
  for (const s of results)
    for (const m of s.models)
      lines.push(
        `${s.scenario.padEnd(width)}${m.model.padEnd(24)}${fmt(m.mase).padStart(6)}${fmt(m.smape, 1).padStart(8)}${fmt(m.pinball, 2).padStart(9)}${fmt(m.coverage90).padStart(9)}${fmt(m.ratioToBestBaseline).padStart(9)}${fmt(m.fitSeconds, 1).padStart(7)}`,
      );
  lines.push(
    '',
    `${'scenario'.padEnd(width)}neural vs best baseline: MASE ratio, its 95% interval (block bootstrap), Diebold-Mariano (one-sided)`,
  );
  for (const s of results) {
    const cand = s.models.find((m) => m.role === 'candidate')!;
    const c = s.comparison;
    const dm =
      'none' in c.dieboldMariano
        ? `no DM test: ${c.dieboldMariano.none}`
        : `DM ${fmt(c.dieboldMariano.statistic, 2)}, p ${formatP(c.dieboldMariano.pValue)}`;
    lines.push(
      `${s.scenario.padEnd(width)}vs ${c.against}: ${fmt(cand.ratioToBestBaseline)} ${formatInterval(c.ratioInterval95)}, ${dm} (${c.origins} origins, horizons overlap ${c.overlap})`,
    );
  }
  return lines;
}
