/**
 * Every chart of the report, as SVG strings, from the report data and the headline (whose time
 * window is shaded on each time chart, so the eye finds where the arms parted).
 */
import { mean } from 'simple-statistics';
import { bootstrapCi } from '../bootstrap.js';
import type { RolloutMarkerKind } from '../run-series.js';
import { barChart } from './bar-chart.js';
import type { Headline } from './headline.js';
import { type LineSeries, lineChart, type Marker } from './line-chart.js';
import type { ArmView, ReportData } from './report-data.js';

export interface ChartSvg {
  id: string;
  /** One sentence under the chart saying what to look for. */
  caption: string;
  svg: string;
  wide?: boolean;
}

const KEY_COLORS = ['#0f766e', '#b45309', '#7c3aed', '#be123c', '#1d4ed8'];
const ROLLOUT_COLORS: Record<RolloutMarkerKind, string> = {
  'canary-start': '#d97706',
  promote: '#16a34a',
  rollback: '#dc2626',
};
const TIME = 'time since start (min)';

function rolloutMarkers(arm: ArmView | undefined): Marker[] {
  return (arm?.rollouts ?? []).map((r) => ({ x: r.t, label: r.kind, color: ROLLOUT_COLORS[r.kind] }));
}

const markerLegend = Object.entries(ROLLOUT_COLORS).map(([name, color]) => ({ name, color }));

export function reportCharts(data: ReportData, head: Headline): ChartSvg[] {
  const seeds = data.arms[0]?.seeds.length ?? 0;
  const avgNote = `mean over ${seeds} seeds${data.gridKey === '-' ? '' : `, grid point ${data.gridKey}`}`;
  const highlight = head.window
    ? { from: head.window.from, to: head.window.to, label: 'difference came from here' }
    : null;
  const base = data.arms.find((a) => a.arm === head.baseline);
  const focus = data.arms.find((a) => a.arm === head.challenger);
  const controlled = data.arms.find(
    (a) => a.rollouts.length > 0 || a.rateLimits.size > 0 || a.forecast.length > 0,
  );
  const charts: ChartSvg[] = [];

  // Arrivals are the same for every arm (paired seeds): draw them once, with each forecast.
  const arrivals: LineSeries[] = [
    {
      name: 'arrivals',
      color: '#111827',
      points: (base ?? data.arms[0])?.points.map((p) => ({ x: p.t, y: p.arrivalRps })) ?? [],
    },
  ];
  const end = Math.max(0, ...((base ?? data.arms[0])?.points.map((p) => p.t) ?? [0]));
  for (const a of data.arms.filter((x) => x.forecast.length > 0)) {
    // Forecasts look ahead: keep the ones for moments inside the run.
    const inRun = a.forecast.filter((f) => f.t <= end);
    arrivals.push({
      name: `forecast (${a.arm})`,
      color: a.color,
      dash: '6 4',
      points: inRun.map((f) => ({ x: f.t, y: f.mean })),
      band: inRun.map((f) => ({ x: f.t, lo: f.p10, hi: f.p90 })),
      bandName: `p10-p90 band (${a.arm})`,
    });
  }
  charts.push({
    id: 'arrivals',
    caption:
      'Demand, and what the forecasting arms expected ahead of it (the band is the forecast p10 to p90).',
    svg: lineChart({
      id: 'arrivals',
      title: 'Arrivals and forecast',
      subtitle: avgNote,
      xLabel: TIME,
      yLabel: 'requests / s',
      series: arrivals,
      highlight,
      noDataReason: 'the runs recorded no intervals',
    }),
  });

  for (const tier of data.tiers) {
    const series: LineSeries[] = data.arms.map((a) => ({
      name: `${a.arm} p99`,
      color: a.color,
      points: a.points.map((p) => ({ x: p.t, y: ms2s(p.p99ByTier[tier]) })),
    }));
    for (const a of [base, focus].filter((x): x is ArmView => x !== undefined && x !== null)) {
      if (series.some((s) => s.name === `${a.arm} p50`)) continue;
      series.push({
        name: `${a.arm} p50`,
        color: a.color,
        dash: '2 3',
        width: 1.5,
        points: a.points.map((p) => ({ x: p.t, y: ms2s(p.p50ByTier[tier]) })),
      });
    }
    charts.push({
      id: `latency-${tier}`,
      caption: `End-to-end latency of tier ${tier}: p99 per arm (solid), p50 of ${head.baseline}${focus && focus !== base ? ` and ${focus.arm}` : ''} (dotted).`,
      svg: lineChart({
        id: `latency-${tier}`,
        title: `Latency over time: tier ${tier}`,
        subtitle: avgNote,
        xLabel: TIME,
        yLabel: 'latency (s)',
        series,
        highlight,
        noDataReason: `no completed ${tier} requests`,
      }),
    });
  }

  charts.push({
    id: 'queue-depth',
    caption: 'Requests waiting in the gateway queues (mean over each interval).',
    svg: lineChart({
      id: 'queue-depth',
      title: 'Queue depth',
      subtitle: avgNote,
      xLabel: TIME,
      yLabel: 'requests waiting',
      series: data.arms.map((a) => ({
        name: a.arm,
        color: a.color,
        points: a.points.map((p) => ({ x: p.t, y: p.queueDepthMean })),
      })),
      highlight,
      noDataReason: 'no queue telemetry',
    }),
  });

  const instances: LineSeries[] = data.arms.map((a) => ({
    name: a.arm,
    color: a.color,
    step: true,
    points: a.points.map((p) => ({ x: p.t, y: p.instances })),
  }));
  for (const a of data.arms.filter((x) => x.scaleAhead.length > 0)) {
    instances.push({
      name: `scale-ahead target (${a.arm})`,
      color: a.color,
      dash: '6 4',
      width: 1.5,
      step: true,
      points: a.scaleAhead.map((s) => ({ x: s.t, y: s.target })),
    });
  }
  charts.push({
    id: 'instances',
    caption:
      'Self-hosted instances provisioned (steps) and the scale-ahead target the controller asked for (dashed).',
    svg: lineChart({
      id: 'instances',
      title: 'Instances provisioned and scale-ahead signal',
      subtitle: avgNote,
      xLabel: TIME,
      yLabel: 'instances',
      series: instances,
      highlight,
      noDataReason: 'no self-hosted pools in this scenario',
    }),
  });

  const keyed = (m: Map<string, { t: number; value: number }[]> | undefined): LineSeries[] =>
    [...(m ?? new Map<string, { t: number; value: number }[]>())].map(([k, pts], i) => ({
      name: k,
      color: KEY_COLORS[i % KEY_COLORS.length],
      step: true,
      points: pts.map((p) => ({ x: p.t, y: p.value })),
    }));
  // The arm whose controller acted (rollouts) tells the story; else the challenger, else any.
  const limitsArm =
    data.arms.find((a) => a.rateLimits.size > 0 && a.rollouts.length > 0) ??
    data.arms.find((a) => a.rollouts.length > 0) ??
    (focus && focus.rateLimits.size > 0 ? focus : undefined) ??
    data.arms.find((a) => a.rateLimits.size > 0) ??
    controlled;
  const minutes = data.results.spec.durationSeconds / 60;
  charts.push({
    id: 'rate-limits',
    caption: `Rate limits the controller set${limitsArm ? ` (${limitsArm.arm})` : ''}, with its rollouts: canary start, promote, rollback.`,
    svg: lineChart({
      id: 'rate-limits',
      title: `Rate limits over time${limitsArm ? `: ${limitsArm.arm}` : ''}`,
      subtitle: `seed ${limitsArm?.seeds[0] ?? '-'} rollouts; limits ${avgNote}`,
      xLabel: TIME,
      yLabel: 'limit (requests / min)',
      series: keyed(limitsArm?.rateLimits),
      markers: rolloutMarkers(limitsArm),
      markerLegend,
      xDomain: [0, minutes],
      emptySeriesNote: 'no per-tenant rpm limits in the policy: rollouts only',
      noDataReason: 'no rate limits in any arm, and no rollouts',
    }),
  });
  const weightsArm =
    data.arms.find((a) => a.queueWeights.size > 0 && a.rollouts.length > 0) ??
    data.arms.find((a) => a.queueWeights.size > 0);
  charts.push({
    id: 'queue-weights',
    caption: `Weighted-fair-queue weights per tier${weightsArm ? ` (${weightsArm.arm})` : ''}, with the same rollout markers.`,
    svg: lineChart({
      id: 'queue-weights',
      title: `Queue weights over time${weightsArm ? `: ${weightsArm.arm}` : ''}`,
      subtitle: `seed ${weightsArm?.seeds[0] ?? '-'} rollouts; weights ${avgNote}`,
      xLabel: TIME,
      yLabel: 'weight',
      series: keyed(weightsArm?.queueWeights),
      markers: rolloutMarkers(weightsArm),
      markerLegend,
      xDomain: [0, minutes],
      emptySeriesNote: 'no weighted-fair queue in the policy: rollouts only',
      noDataReason: 'no queue weights in any arm, and no rollouts',
    }),
  });

  charts.push({
    id: 'latency-cdf',
    caption:
      'Share of completed requests answered within a given time, per arm (further left and higher is better).',
    svg: lineChart({
      id: 'latency-cdf',
      title: 'Latency CDF per arm',
      subtitle: `all tiers; quantiles averaged over seeds; log scale`,
      xLabel: 'latency (s, log scale)',
      yLabel: 'fraction of requests',
      xLog: true,
      series: data.arms.map((a) => ({
        name: a.arm,
        color: a.color,
        points: a.cdf.map((c) => ({ x: c.ms / 1000, y: c.p })),
      })),
      noDataReason: 'no completed requests',
    }),
  });

  const names = data.arms.map((a) => a.arm);
  // Self-hosted instance-hours are not attributed to tenants or models by the simulator: the
  // rest of the total shows as its own segment rather than vanishing.
  const costBy = (key: 'byTenant' | 'byModel', keys: readonly string[]) => {
    const stacks = keys.map((k, i) => ({
      name: k,
      color: KEY_COLORS[i % KEY_COLORS.length],
      values: data.arms.map((a) =>
        a.summaries.length === 0 ? 0 : mean(a.summaries.map((s) => s[key]?.[k]?.costUsd ?? 0)),
      ),
    }));
    const rest = data.arms.map((a, j) => {
      const total = a.summaries.length === 0 ? 0 : mean(a.summaries.map((s) => s.costUsd ?? 0));
      return Math.max(0, total - stacks.reduce((sum, st) => sum + st.values[j], 0));
    });
    // Cents of rounding are not a segment.
    if (rest.some((v) => v > 0.005)) {
      stacks.push({ name: 'instance-hours (not attributed)', color: '#9ca3af', values: rest });
    }
    return stacks;
  };
  const usd = (v: number) => `$${v >= 100 ? v.toFixed(0) : v.toFixed(2)}`;
  charts.push({
    id: 'cost-tenant',
    caption: 'Spend per run by tenant (instance-hours and API charges), mean over seeds.',
    svg: barChart({
      id: 'cost-tenant',
      title: 'Cost by tenant',
      subtitle: avgNote,
      yLabel: 'USD per run',
      categories: names,
      stacks: costBy('byTenant', data.tenants),
      valueFormat: usd,
      noDataReason: 'no cost recorded',
    }),
  });
  charts.push({
    id: 'cost-model',
    caption: 'Spend per run by model, mean over seeds.',
    svg: barChart({
      id: 'cost-model',
      title: 'Cost by model',
      subtitle: avgNote,
      yLabel: 'USD per run',
      categories: names,
      stacks: costBy('byModel', data.models),
      valueFormat: usd,
      noDataReason: 'no cost recorded',
    }),
  });

  const jain = data.arms.map((a) =>
    a.summaries.map((s) => s.jainFairness).filter((v): v is number => v !== null),
  );
  charts.push({
    id: 'fairness',
    caption:
      "Jain's index over tenants' served share / entitled share: 1 is perfectly fair. Whiskers: 95% bootstrap CI over seeds.",
    svg: barChart({
      id: 'fairness',
      title: "Fairness across tenants (Jain's index)",
      subtitle: `mean over seeds${data.gridKey === '-' ? '' : `, grid point ${data.gridKey}`}`,
      yLabel: "Jain's index",
      categories: names,
      stacks: [{ name: 'Jain', color: '#2563eb', values: jain.map((v) => (v.length ? mean(v) : 0)) }],
      categoryColors: data.arms.map((a) => a.color),
      errors: jain.map((v) => (v.length ? (([lo, hi]) => ({ lo, hi }))(bootstrapCi(v)) : null)),
      yMax: 1,
      valueFormat: (v) => v.toFixed(3),
      noDataReason: 'fairness needs at least one tenant served',
    }),
  });
  return charts;
}

function ms2s(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : v / 1000;
}
