/**
 * The run summary as a readable text table: the headline figures, then one row per tier and
 * per tenant (requests, outcomes, latency percentiles, cost). For `sluice simulate`.
 */
import type { OutcomeSummary } from './kernel/outcome-stats.js';
import type { RunSummary } from './run-summary.js';

function fmt(v: number | null, digits = 0): string {
  if (v === null) return '-';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function pct(n: number, of: number): string {
  return of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-';
}

const HEAD = [
  '',
  'requests',
  'completed',
  'rejected',
  'failed',
  'timed out',
  'p50 ms',
  'p99 ms',
  'goodput/s',
  'cost $',
];

function row(name: string, s: OutcomeSummary): string[] {
  return [
    name,
    fmt(s.requests),
    fmt(s.completed),
    `${fmt(s.rejected)} (${pct(s.rejected, s.requests)})`,
    fmt(s.failed),
    fmt(s.timedOut),
    fmt(s.latencyMs.p50),
    fmt(s.latencyMs.p99),
    fmt(s.goodputRps, 2),
    fmt(s.costUsd, 2),
  ];
}

function table(rows: string[][]): string {
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  lines.push(
    `scenario ${s.scenario} (policy: ${s.policy}, seed ${s.seed}): ${fmt(s.simulatedSeconds)} simulated s` +
      (s.wallSeconds !== null ? ` in ${fmt(s.wallSeconds, 2)} wall s` : ''),
  );
  lines.push(
    `requests ${fmt(s.requests)}  completed ${fmt(s.completed)}  rejected ${fmt(s.rejected)}  failed ${fmt(s.failed)}  timed out ${fmt(s.timedOut)}`,
  );
  lines.push(
    `latency p50/p90/p99 ${fmt(s.latencyMs.p50)}/${fmt(s.latencyMs.p90)}/${fmt(s.latencyMs.p99)} ms (mean ${fmt(s.latencyMs.mean)})  ttft p50/p99 ${fmt(s.ttftMs.p50)}/${fmt(s.ttftMs.p99)} ms`,
  );
  lines.push(
    `goodput ${fmt(s.goodputRps, 2)}/s  SLO-violation minutes ${s.sloViolationMinutes}  cost $${fmt(s.costUsd, 2)}  instance-hours ${fmt(s.instanceHours, 2)}  cache hit ${s.cacheHitRatio === null ? '-' : pct(s.cacheHitRatio, 1)}  Jain ${fmt(s.jainFairness, 3)}`,
  );
  for (const [pool, sc] of Object.entries(s.scaling))
    lines.push(`scaling ${pool}: ${sc.scaleUps} up, ${sc.scaleDowns} down, ${sc.finalInstances} at the end`);
  if (s.prewarm !== undefined) {
    const p = s.prewarm;
    lines.push(
      `cache pre-warm: ${fmt(p.calls)} calls (${fmt(p.completed)} answered, ${fmt(p.failed)} failed; ${fmt(p.skipped)} keys skipped), ${fmt(p.stored)} entries stored, $${fmt(p.costUsd, 2)}`,
    );
  }
  for (const f of s.faults)
    lines.push(`fault ${f.kind} on ${f.instance ?? f.pool} from ${fmt(f.startS)} s to ${fmt(f.endS)} s`);
  const rows: string[][] = [HEAD];
  for (const [k, v] of Object.entries(s.byTier)) rows.push(row(`tier ${k}`, v));
  for (const [k, v] of Object.entries(s.byTenant)) rows.push(row(`tenant ${k}`, v));
  for (const [k, v] of Object.entries(s.byModel)) rows.push(row(`model ${k}`, v));
  lines.push('', table(rows));
  lines.push('', `percentiles: ${s.percentileMethod}; peak RSS ${s.peakRssMb} MB`);
  return lines.join('\n');
}
