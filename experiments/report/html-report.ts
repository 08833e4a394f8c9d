/**
 * The HTML report: one self-contained file (inline CSS and SVG, no scripts, no network) that a
 * reviewer reads top down: the headline (who won, by how much, where in time), the charts, the
 * results table with confidence intervals and verdicts, the rollouts, and the spec itself.
 */
import type { ChartSvg } from './report-charts.js';
import type { Headline } from './headline.js';
import type { ReportData } from './report-data.js';
import { basename } from 'node:path';
import { formatP } from '../stats.js';
import { resultRows } from './results-table.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#111827;margin:0;background:#f3f4f6}
main{max-width:1260px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:0 0 2px} h2{font-size:17px;margin:28px 0 10px}
.meta{color:#4b5563;font-size:13px}
.headline{background:#fff;border-left:6px solid #2563eb;padding:14px 18px;margin:14px 0;border-radius:6px;box-shadow:0 1px 2px #0001}
.headline.none{border-left-color:#6b7280}
.headline p.lead{font-size:19px;font-weight:600;margin:0 0 6px}
.headline ul{margin:6px 0 0 18px;padding:0}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px}
figure{margin:0;background:#fff;border-radius:6px;padding:6px;box-shadow:0 1px 2px #0001}
figure svg{width:100%;height:auto;display:block}
figcaption{font-size:12.5px;color:#374151;padding:2px 6px 4px}
svg .title{font:600 14px system-ui,sans-serif;fill:#111827} svg .subtitle{font:11.5px system-ui,sans-serif;fill:#6b7280}
svg text{font:11px system-ui,sans-serif;fill:#374151} svg .axis-label{font:11.5px system-ui,sans-serif;fill:#111827}
svg .no-data,svg .empty-note{font:italic 13px system-ui,sans-serif;fill:#6b7280} svg .highlight-label{font:italic 10.5px system-ui,sans-serif;fill:#92400e}
svg .bar-value{font:600 11px system-ui,sans-serif;fill:#111827}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px;box-shadow:0 1px 2px #0001}
th,td{padding:5px 8px;border-bottom:1px solid #e5e7eb;text-align:right;white-space:nowrap} th{background:#f9fafb;text-align:right}
table.rollouts td{white-space:normal;text-align:left;vertical-align:top} table.rollouts td:nth-child(2),table.rollouts td:nth-child(5){text-align:right;white-space:nowrap}
td:nth-child(-n+3),th:nth-child(-n+3){text-align:left}
.better{color:#15803d;font-weight:600}.worse{color:#b91c1c;font-weight:600}.ns{color:#6b7280}
pre{background:#111827;color:#e5e7eb;padding:12px 14px;border-radius:6px;overflow:auto;font-size:12.5px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:baseline}
`;

export function htmlReport(
  data: ReportData,
  head: Headline,
  charts: readonly ChartSvg[],
  generatedBy: string,
): string {
  const r = data.results;
  const colors = new Map(data.arms.map((a) => [a.arm, a.color]));
  const rows = resultRows(r)
    .map((row) => {
      const cls = row.verdict === 'better' ? 'better' : row.verdict === 'worse' ? 'worse' : 'ns';
      const sw = `<span class="swatch" style="background:${colors.get(row.arm) ?? '#999'}"></span>`;
      return `<tr><td>${escapeHtml(row.metric)}</td><td>${escapeHtml(row.gridKey)}</td><td>${sw}${escapeHtml(row.arm)}</td><td>${row.mean}</td><td>${row.ci}</td><td>${escapeHtml(row.diff)}</td><td>${row.diffCi}</td><td>${row.relative}</td><td>${row.pT}</td><td>${row.pW}</td><td>${row.dz}</td><td class="${cls}">${row.verdict}</td></tr>`;
    })
    .join('\n');
  const rollouts = data.arms.flatMap((a) =>
    (a.summaries[0]?.rollouts ?? []).map(
      (x) =>
        `<tr><td>${escapeHtml(a.arm)}</td><td>${(x.time / 60).toFixed(1)}</td><td>${escapeHtml(x.change)}</td><td>${escapeHtml(x.verdict)}</td><td>${typeof x.pValue === 'number' ? formatP(x.pValue).replace('p = ', '') : ''}</td><td class="${x.outcome === 'promoted' ? 'better' : x.outcome === 'rolled-back' ? 'worse' : 'ns'}">${escapeHtml(x.outcome)}</td></tr>`,
    ),
  );
  const figures = charts
    .map(
      (c) =>
        `<figure data-figure="${c.id}">${c.svg}<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`,
    )
    .join('\n');
  const scenario = `scenario <b>${escapeHtml(r.spec.scenario ?? 'steady')}</b>`;
  const where = r.spec.trace
    ? `trace <b>${escapeHtml(basename(r.spec.trace.file))}</b> (x${r.spec.trace.scale}, speedup ${r.spec.trace.speedup}) on ${scenario}`
    : scenario;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(r.experiment)}: experiment report</title><style>${CSS}</style></head>
<body><main>
<h1>${escapeHtml(r.experiment)}</h1>
<div class="meta">${escapeHtml(r.description)}</div>
<div class="meta">${where}, ${(r.spec.durationSeconds / 60).toFixed(0)} simulated minutes, ${r.spec.seeds.length} paired seeds, arms ${r.spec.arms.map((a) => escapeHtml(a.name)).join(', ')} (baseline <b>${escapeHtml(r.spec.baseline)}</b>), runner ${escapeHtml(r.spec.runner)}, code ${escapeHtml(r.codeVersion)}</div>
<section class="headline${head.winner ? '' : ' none'}" id="headline"><p class="lead">${escapeHtml(head.text)}</p>
<ul>${head.details.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul></section>
<div class="grid">
${figures}
</div>
<h2>Results (95% CIs; differences are paired by seed against ${escapeHtml(r.spec.baseline)}; significance by paired t-test at 0.05)</h2>
<table id="results"><thead><tr><th>metric</th><th>grid</th><th>arm</th><th>mean</th><th>95% CI</th><th>diff vs baseline</th><th>95% CI of diff</th><th>change</th><th>p (t)</th><th>p (Wilcoxon)</th><th>d_z</th><th>verdict</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Rollouts (first seed)</h2>
${rollouts.length > 0 ? `<table class="rollouts"><thead><tr><th>arm</th><th>minute</th><th>change</th><th>judge</th><th>p</th><th>outcome</th></tr></thead><tbody>${rollouts.join('')}</tbody></table>` : '<p class="meta">No arm rolled out a policy change.</p>'}
<h2>Spec</h2>
<pre id="spec">${escapeHtml(r.specSource)}</pre>
<p class="meta">${escapeHtml(generatedBy)}</p>
</main></body></html>
`;
}
