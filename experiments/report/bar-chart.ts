/**
 * Bar charts by arm: stacked segments (cost by tenant or by model) or single bars with
 * confidence-interval whiskers (fairness), with the value printed on each bar.
 */
import { axisFormat, ChartFrame, type LegendItem } from './chart-frame.js';

export interface BarStack {
  name: string;
  color: string;
  /** One value per category. */
  values: readonly number[];
}

export interface BarChartOptions {
  id: string;
  title: string;
  subtitle?: string;
  yLabel: string;
  categories: readonly string[];
  stacks: readonly BarStack[];
  /** Whiskers per category (single-stack charts). */
  errors?: readonly ({ lo: number; hi: number } | null)[];
  /** Colour per category for single-stack charts (arm colours). */
  categoryColors?: readonly string[];
  yMax?: number;
  valueFormat: (v: number) => string;
  noDataReason: string;
}

export function barChart(o: BarChartOptions): string {
  const totals = o.categories.map((_, i) => o.stacks.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const legend: LegendItem[] =
    o.stacks.length > 1
      ? o.stacks
          .filter((s) => s.values.some((v) => v > 0))
          .map((s) => ({ name: s.name, color: s.color, kind: 'swatch' as const }))
      : [];
  const frame = new ChartFrame({ id: o.id, title: o.title, subtitle: o.subtitle, legend });
  if (o.categories.length === 0 || totals.every((t) => !(t > 0))) return frame.noData(o.noDataReason);
  const d3 = frame.d3;
  const x = d3.scaleBand().domain(o.categories).range([0, frame.innerWidth]).padding(0.35);
  const top = Math.max(...totals, ...(o.errors ?? []).map((e) => e?.hi ?? 0));
  const y = d3
    .scaleLinear()
    .domain([0, o.yMax ?? top * 1.12])
    .range([frame.innerHeight, 0])
    .nice();
  frame.yAxis(y, o.yLabel, axisFormat(d3));
  const axis = frame.plot
    .append('g')
    .attr('class', 'axis x')
    .attr('transform', `translate(0,${frame.innerHeight})`);
  axis.append('line').attr('x1', 0).attr('x2', frame.innerWidth).attr('stroke', '#374151');
  o.categories.forEach((c) => {
    axis
      .append('text')
      .attr('x', (x(c) ?? 0) + x.bandwidth() / 2)
      .attr('y', 18)
      .attr('text-anchor', 'middle')
      .text(c);
  });
  axis
    .append('text')
    .attr('class', 'axis-label')
    .attr('x', frame.innerWidth / 2)
    .attr('y', 36)
    .attr('text-anchor', 'middle')
    .text('arm');

  o.categories.forEach((c, i) => {
    let base = 0;
    const bx = x(c) ?? 0;
    for (const s of o.stacks) {
      const v = s.values[i] ?? 0;
      if (!(v > 0)) continue;
      const color = o.stacks.length === 1 && o.categoryColors ? o.categoryColors[i] : s.color;
      frame.plot
        .append('rect')
        .attr('class', 'mark bar')
        .attr('x', bx)
        .attr('width', x.bandwidth())
        .attr('y', y(base + v))
        .attr('height', Math.max(0.5, y(base) - y(base + v)))
        .attr('fill', color);
      base += v;
    }
    const e = o.errors?.[i];
    if (e) {
      const cx = bx + x.bandwidth() / 2;
      const w = frame.plot.append('g').attr('class', 'whisker');
      w.append('line')
        .attr('x1', cx)
        .attr('x2', cx)
        .attr('y1', y(e.lo))
        .attr('y2', y(e.hi))
        .attr('stroke', '#111827')
        .attr('stroke-width', 1.5);
      for (const v of [e.lo, e.hi]) {
        w.append('line')
          .attr('x1', cx - 6)
          .attr('x2', cx + 6)
          .attr('y1', y(v))
          .attr('y2', y(v))
          .attr('stroke', '#111827')
          .attr('stroke-width', 1.5);
      }
    }
    const labelY = y(Math.max(totals[i], e?.hi ?? 0)) - 6;
    frame.plot
      .append('text')
      .attr('class', 'bar-value')
      .attr('x', bx + x.bandwidth() / 2)
      .attr('y', labelY)
      .attr('text-anchor', 'middle')
      .text(o.valueFormat(totals[i]));
  });
  return frame.toString();
}
