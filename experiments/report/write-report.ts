/**
 * Writes OUT/report.html, OUT/report.md and OUT/report.json from OUT/results.json and the run
 * files: `sluice report DIR` and the end of `sluice experiment run` both call this.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headline } from './headline.js';
import { htmlReport } from './html-report.js';
import { markdownReport } from './markdown-report.js';
import { reportCharts } from './report-charts.js';
import { loadReportData } from './report-data.js';
import { resultRows } from './results-table.js';

export interface ReportFiles {
  html: string;
  markdown: string;
  json: string;
  headline: string;
}

export function writeReport(outDir: string): ReportFiles {
  const data = loadReportData(outDir);
  const head = headline(data);
  const charts = reportCharts(data, head);
  const files = {
    html: join(outDir, 'report.html'),
    markdown: join(outDir, 'report.md'),
    json: join(outDir, 'report.json'),
    headline: head.text,
  };
  writeFileSync(files.html, htmlReport(data, head, charts, `sluice ${data.results.codeVersion}`));
  writeFileSync(files.markdown, markdownReport(data, head));
  const { driver: _driver, ...headJson } = head;
  writeFileSync(
    files.json,
    `${JSON.stringify({ experiment: data.results.experiment, headline: headJson, table: resultRows(data.results), comparisons: data.results.stats.comparisons, arms: data.results.stats.armMetrics }, null, 2)}\n`,
  );
  return files;
}
