/**
 * Line charts over a numeric x (time in minutes, or latency for CDFs): several series, each
 * optionally with a shaded band (forecast p10-p90) or drawn as steps (instances), vertical
 * markers (rollout events) and a highlighted x range (where the difference came from).
 */
import { axisFormat, ChartFrame, type LegendItem } from './chart-frame.js';

export interface XY {
  x: number;
  y: number | null;
}

export interface LineSeries {
  name: string;
  color: string;
  points: readonly XY[];
  dash?: string;
  width?: number;
  step?: boolean;
  /** A band drawn under the line (e.g. forecast p10 to p90). */
  band?: readonly { x: number; lo: number; hi: number }[];
  bandName?: string;
}

export interface Marker {
  x: number;
  label: string;
  color: string;
}

export interface LineChartOptions {
  id: string;
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  markers?: readonly Marker[];
  /** Marker kinds for the legend (name -> colour). */
  markerLegend?: readonly { name: string; color: string }[];
  highlight?: { from: number; to: number; label: string } | null;
  xLog?: boolean;
  /** Fixed x range (e.g. the run's minutes), so markers-only charts still have an axis. */
  xDomain?: [number, number];
  /** Note drawn inside a chart that has markers but no series (e.g. no limits to tune). */
  emptySeriesNote?: string;
  /** Reason shown when there is nothing to draw. */
  noDataReason: string;
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

export function lineChart(options: LineChartOptions): string {
  // A log axis cannot place x <= 0: drop those points rather than draw NaN paths.
  const o = options.xLog
    ? { ...options, series: options.series.map((s) => ({ ...s, points: s.points.filter((p) => p.x > 0) })) }
    : options;
  const withData = o.series.filter((s) => s.points.some((p) => finite(p.y)));
  const legend: LegendItem[] = [];
  for (const s of withData) {
    if (s.band && s.band.length > 0)
      legend.push({ name: s.bandName ?? `${s.name} band`, color: s.color, kind: 'band' });
    legend.push({ name: s.name, color: s.color, dash: s.dash });
  }
  for (const m of o.markerLegend ?? []) legend.push({ name: m.name, color: m.color, kind: 'marker' });
  const frame = new ChartFrame({ id: o.id, title: o.title, subtitle: o.subtitle, legend });
  const markers = o.markers ?? [];
  if (withData.length === 0 && (markers.length === 0 || !o.xDomain)) return frame.noData(o.noDataReason);
  const d3 = frame.d3;

  const xs: number[] = [...(o.xDomain ?? [])];
  const ys: number[] = withData.length === 0 ? [0, 1] : [];
  for (const s of withData) {
    for (const p of s.points) {
      if (!finite(p.y)) continue;
      xs.push(p.x);
      ys.push(p.y);
    }
    for (const b of s.band ?? []) {
      xs.push(b.x);
      ys.push(b.lo, b.hi);
    }
  }
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const x = (o.xLog ? d3.scaleLog() : d3.scaleLinear())
    .domain(o.xLog ? [Math.max(1e-3, xMin), xMax] : [xMin, xMax === xMin ? xMin + 1 : xMax])
    .range([0, frame.innerWidth]);
  if (!o.xLog) x.nice();
  const yMax = Math.max(...ys);
  const y = d3
    .scaleLinear()
    .domain([Math.min(0, ...ys), yMax <= 0 ? 1 : yMax * 1.05])
    .range([frame.innerHeight, 0])
    .nice();
  const fmt = axisFormat(d3);
  frame.yAxis(y, o.yLabel, fmt);
  frame.xAxis(x, o.xLabel, fmt, 6, o.xLog === true);

  if (o.highlight) {
    const x0 = x(Math.max(o.highlight.from, x.domain()[0]));
    const x1 = x(Math.min(o.highlight.to, x.domain()[1]));
    frame.plot
      .append('rect')
      .attr('class', 'highlight')
      .attr('x', x0)
      .attr('y', 0)
      .attr('width', Math.max(2, x1 - x0))
      .attr('height', frame.innerHeight)
      .attr('fill', '#fde68a')
      .attr('opacity', 0.45);
    frame.plot
      .append('text')
      .attr('class', 'highlight-label')
      .attr('x', x0 + 4)
      .attr('y', 12)
      .text(o.highlight.label);
  }

  for (const s of withData) {
    if (s.band && s.band.length > 0) {
      const area = d3
        .area<{ x: number; lo: number; hi: number }>()
        .x((d) => x(d.x))
        .y0((d) => y(d.lo))
        .y1((d) => y(d.hi))
        .curve(d3.curveMonotoneX);
      frame.plot
        .append('path')
        .attr('class', 'mark band')
        .attr('d', area(s.band) ?? '')
        .attr('fill', s.color)
        .attr('opacity', 0.18);
    }
    const line = d3
      .line<XY>()
      .defined((d) => finite(d.y))
      .x((d) => x(d.x))
      .y((d) => y(d.y as number))
      .curve(s.step ? d3.curveStepAfter : d3.curveLinear);
    const path = frame.plot
      .append('path')
      .attr('class', 'mark line')
      .attr('data-series', s.name)
      .attr('d', line(s.points) ?? '')
      .attr('fill', 'none')
      .attr('stroke', s.color)
      .attr('stroke-width', s.width ?? 2)
      .attr('stroke-linejoin', 'round');
    if (s.dash) path.attr('stroke-dasharray', s.dash);
  }

  if (withData.length === 0 && o.emptySeriesNote) {
    frame.plot
      .append('text')
      .attr('class', 'empty-note')
      .attr('x', frame.innerWidth / 2)
      .attr('y', frame.innerHeight / 2)
      .attr('text-anchor', 'middle')
      .text(o.emptySeriesNote);
  }
  markers.forEach((m, i) => {
    const mx = x(m.x);
    frame.plot
      .append('line')
      .attr('class', 'mark marker')
      .attr('x1', mx)
      .attr('x2', mx)
      .attr('y1', 0)
      .attr('y2', frame.innerHeight)
      .attr('stroke', m.color)
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', '5 3');
    // Stagger labels over three rows so neighbouring events stay readable.
    frame.plot
      .append('text')
      .attr('class', 'marker-label')
      .attr('x', mx + 3)
      .attr('y', 12 + (i % 3) * 12)
      .attr('fill', m.color)
      .text(m.label);
  });
  return frame.toString();
}
