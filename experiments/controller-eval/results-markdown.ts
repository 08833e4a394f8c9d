/**
 * The evaluation's Markdown: one table per case (rows: controller modes; cells: mean [95% CI]
 * over seeds), then the targets with PASS / FAIL. The lead pastes it into the README.
 */
import type { EvalResults, MetricEstimate } from './eval-results.js';

const LABELS: Record<string, string> = {
  sloViolationMinutes: 'SLO-violation min',
  costUsd: 'cost (USD)',
  goodputRps: 'goodput (req/s)',
  jainFairness: "Jain's fairness",
  premiumSloAttainment: 'premium SLO attainment',
};

function label(metric: string): string {
  if (LABELS[metric]) return LABELS[metric];
  if (metric.startsWith('p99Ms.')) return `${metric.slice(6)} p99 (s)`;
  return metric;
}

function digits(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function cell(metric: string, e: MetricEstimate | undefined): string {
  if (e === undefined || e.mean === null || e.ci95 === null) return '-';
  const scale = metric.startsWith('p99Ms.') ? 1 / 1000 : 1;
  const [lo, hi] = e.ci95;
  return `${digits(e.mean * scale)} [${digits(lo * scale)}, ${digits(hi * scale)}]`;
}

export function formatResultsMarkdown(r: EvalResults): string {
  const lines: string[] = [
    `### Controller evaluation (\`npm run eval:controller\`)`,
    '',
    `${r.seeds} seeds per cell, ${r.durationSeconds / 60} simulated minutes per run, control interval ${r.intervalSeconds} s; ` +
      `cells are the mean over seeds [95% percentile-bootstrap CI]. Wall time ${r.wallSeconds} s.`,
    '',
  ];
  for (const c of r.cases) {
    const metrics = [...new Set(c.modes.flatMap((m) => Object.keys(m.metrics)))];
    lines.push(`**${c.name}** (${c.note})`, '');
    lines.push(`| mode | ${metrics.map(label).join(' | ')} |`);
    lines.push(`|---|${metrics.map(() => '---').join('|')}|`);
    for (const m of c.modes)
      lines.push(`| ${m.mode} | ${metrics.map((k) => cell(k, m.metrics[k])).join(' | ')} |`);
    lines.push('');
  }
  lines.push('**Targets for `adaptive`**', '', '| target | result | measured |', '|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.pass ? 'PASS' : 'FAIL'} | ${t.detail} |`);
  lines.push('');
  return `${lines.join('\n')}\n`;
}
