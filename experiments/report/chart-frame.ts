/**
 * ChartFrame: what every report chart shares, drawn with d3-node: an SVG with a title, a
 * subtitle, a legend row, axes with ticks and unit labels, and an explicit "no data" note in
 * place of an empty frame. Charts draw their marks into `plot`; data marks carry the class
 * `mark` so the browser test can count them.
 */
import { D3Node, type D3, type LinearScale, type Selection } from 'd3-node';

export const WIDTH = 600;
export const HEIGHT = 290;
export const MARGIN = { top: 62, right: 18, bottom: 44, left: 64 };
const LEGEND_ROW = 15;

/** Arm colours: the baseline is always grey so the eye goes to the challengers. */
export const BASELINE_COLOR = '#6b7280';
const PALETTE = ['#2563eb', '#e8590c', '#16a34a', '#9333ea', '#db2777', '#0891b2', '#ca8a04'];

export function armColors(arms: readonly string[], baseline: string): Map<string, string> {
  const m = new Map<string, string>();
  let i = 0;
  for (const a of arms) m.set(a, a === baseline ? BASELINE_COLOR : PALETTE[i++ % PALETTE.length]);
  return m;
}

export interface LegendItem {
  name: string;
  color: string;
  dash?: string;
  /** 'line' (default), 'band' (a light filled swatch), 'swatch' (a solid one) or 'marker' (a vertical rule). */
  kind?: 'line' | 'band' | 'swatch' | 'marker';
}

export interface FrameOptions {
  id: string;
  title: string;
  subtitle?: string;
  legend?: readonly LegendItem[];
}

export class ChartFrame {
  readonly d3: D3;
  readonly svg: Selection;
  readonly plot: Selection;
  readonly innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  readonly innerHeight: number;
  private readonly node: D3Node;

  constructor(options: FrameOptions) {
    this.node = new D3Node();
    this.d3 = this.node.d3;
    this.svg = this.node.createSVG(WIDTH, HEIGHT, {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      class: 'chart',
      'data-chart': options.id,
      role: 'img',
      'aria-label': options.title,
    });
    this.svg.append('rect').attr('width', WIDTH).attr('height', HEIGHT).attr('fill', '#ffffff');
    this.svg.append('text').attr('class', 'title').attr('x', 12).attr('y', 20).text(options.title);
    if (options.subtitle) {
      this.svg.append('text').attr('class', 'subtitle').attr('x', 12).attr('y', 36).text(options.subtitle);
    }
    const rows = options.legend && options.legend.length > 0 ? this.drawLegend(options.legend) : 1;
    const top = MARGIN.top + (rows - 1) * LEGEND_ROW;
    this.innerHeight = HEIGHT - top - MARGIN.bottom;
    this.plot = this.svg.append('g').attr('transform', `translate(${MARGIN.left},${top})`);
  }

  /** Legend items left to right, wrapping onto a second row; returns the rows used. */
  private drawLegend(items: readonly LegendItem[]): number {
    const g = this.svg.append('g').attr('class', 'legend').attr('transform', `translate(12, 50)`);
    let x = 0;
    let row = 0;
    for (const item of items) {
      const w = 28 + item.name.length * 6.3;
      if (x > 0 && x + w > WIDTH - 24) {
        x = 0;
        row++;
      }
      const y = row * LEGEND_ROW;
      const kind = item.kind ?? 'line';
      if (kind === 'band' || kind === 'swatch') {
        g.append('rect')
          .attr('x', x)
          .attr('y', y - 6)
          .attr('width', 16)
          .attr('height', 9)
          .attr('fill', item.color)
          .attr('opacity', kind === 'band' ? 0.3 : 1);
      } else if (kind === 'marker') {
        g.append('line')
          .attr('x1', x + 8)
          .attr('x2', x + 8)
          .attr('y1', y - 8)
          .attr('y2', y + 4)
          .attr('stroke', item.color)
          .attr('stroke-width', 2)
          .attr('stroke-dasharray', '3 2');
      } else {
        const l = g
          .append('line')
          .attr('x1', x)
          .attr('x2', x + 16)
          .attr('y1', y - 1)
          .attr('y2', y - 1)
          .attr('stroke', item.color)
          .attr('stroke-width', 2.5);
        if (item.dash) l.attr('stroke-dasharray', item.dash);
      }
      g.append('text')
        .attr('x', x + 20)
        .attr('y', y + 3)
        .text(item.name);
      x += w;
    }
    return row + 1;
  }

  /** Bottom axis with ticks and a label naming the unit. */
  xAxis(scale: LinearScale, label: string, format: (v: number) => string, ticks = 6, logScale = false): void {
    const g = this.plot
      .append('g')
      .attr('class', 'axis x')
      .attr('transform', `translate(0,${this.innerHeight})`);
    g.append('line').attr('x1', 0).attr('x2', this.innerWidth).attr('stroke', '#374151');
    for (const t of logScale ? logTicks(scale) : scale.ticks(ticks)) {
      const x = scale(t);
      g.append('line').attr('x1', x).attr('x2', x).attr('y1', 0).attr('y2', 5).attr('stroke', '#374151');
      g.append('text').attr('x', x).attr('y', 17).attr('text-anchor', 'middle').text(format(t));
    }
    g.append('text')
      .attr('class', 'axis-label')
      .attr('x', this.innerWidth / 2)
      .attr('y', 36)
      .attr('text-anchor', 'middle')
      .text(label);
  }

  /** Left axis with light grid lines. */
  yAxis(scale: LinearScale, label: string, format: (v: number) => string, ticks = 5): void {
    const g = this.plot.append('g').attr('class', 'axis y');
    g.append('line').attr('y1', 0).attr('y2', this.innerHeight).attr('stroke', '#374151');
    for (const t of scale.ticks(ticks)) {
      const y = scale(t);
      g.append('line')
        .attr('x1', 0)
        .attr('x2', this.innerWidth)
        .attr('y1', y)
        .attr('y2', y)
        .attr('stroke', '#e5e7eb');
      g.append('line').attr('x1', -5).attr('x2', 0).attr('y1', y).attr('y2', y).attr('stroke', '#374151');
      g.append('text')
        .attr('x', -8)
        .attr('y', y + 4)
        .attr('text-anchor', 'end')
        .text(format(t));
    }
    g.append('text')
      .attr('class', 'axis-label')
      .attr('transform', `translate(${-MARGIN.left + 14},${this.innerHeight / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(label);
  }

  /** Replaces the plot with a note that says why there is nothing to draw. */
  noData(reason: string): string {
    this.plot
      .append('rect')
      .attr('width', this.innerWidth)
      .attr('height', this.innerHeight)
      .attr('fill', '#f9fafb')
      .attr('stroke', '#d1d5db')
      .attr('stroke-dasharray', '4 3');
    this.plot
      .append('text')
      .attr('class', 'no-data')
      .attr('x', this.innerWidth / 2)
      .attr('y', this.innerHeight / 2)
      .attr('text-anchor', 'middle')
      .text(`no data: ${reason}`);
    return this.toString();
  }

  toString(): string {
    return this.node.svgString();
  }
}

/** Axis number format: 1.2k, 3M, 0.25; no trailing zeros. */
export function axisFormat(d3: D3): (v: number) => string {
  const f = d3.format('~s');
  const small = d3.format('~g');
  return (v) => (Math.abs(v) < 1000 ? small(Number(v.toPrecision(6))) : f(v));
}

/** mm:ss or h:mm for an axis of simulated time in seconds. */
export function clockFormat(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Log-axis ticks at 1, 2 and 5 times powers of ten only, so labels never collide. */
function logTicks(scale: LinearScale): number[] {
  const [lo, hi] = scale.domain();
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(Number(v.toPrecision(3)));
    }
  }
  return out;
}
