/**
 * The same results as Markdown: the headline, the results table and the verdict sentences, for
 * pull requests and chat.
 */
import type { Headline } from './headline.js';
import type { ReportData } from './report-data.js';
import { resultRows } from './results-table.js';

export function markdownReport(data: ReportData, head: Headline): string {
  const r = data.results;
  const lines = [
    `# ${r.experiment}`,
    '',
    r.description,
    '',
    `**${head.text}**`,
    '',
    ...head.details.map((d) => `- ${d}`),
    '',
    `${r.spec.seeds.length} paired seeds, ${(r.spec.durationSeconds / 60).toFixed(0)} simulated minutes, baseline \`${r.spec.baseline}\`, code ${r.codeVersion}.`,
    '',
    '| metric | grid | arm | mean | 95% CI | diff vs baseline | 95% CI of diff | change | p (t) | p (Wilcoxon) | d_z | verdict |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...resultRows(r).map(
      (x) =>
        `| ${x.metric} | ${x.gridKey} | ${x.arm} | ${x.mean} | ${x.ci} | ${x.diff} | ${x.diffCi} | ${x.relative} | ${x.pT} | ${x.pW} | ${x.dz} | ${x.verdict} |`,
    ),
    '',
    '## Verdicts',
    '',
    ...r.stats.comparisons.map((c) => `- ${c.verdict}`),
    '',
  ];
  return lines.join('\n');
}
