/**
 * Types for the parts of d3-node and d3 the report uses (neither ships types, and @types/d3 is
 * not installed). Only what the charts call is declared.
 */
declare module 'd3-node' {
  export interface Selection {
    append(name: string): Selection;
    attr(name: string, value: string | number): Selection;
    text(value: string): Selection;
    style(name: string, value: string | number): Selection;
  }

  export interface LinearScale {
    (value: number): number;
    domain(): number[];
    domain(d: readonly number[]): LinearScale;
    range(r: readonly number[]): LinearScale;
    nice(count?: number): LinearScale;
    ticks(count?: number): number[];
    tickFormat(count?: number, specifier?: string): (v: number) => string;
    clamp(on: boolean): LinearScale;
  }

  export interface BandScale {
    (value: string): number | undefined;
    domain(d: readonly string[]): BandScale;
    range(r: readonly number[]): BandScale;
    padding(p: number): BandScale;
    paddingInner(p: number): BandScale;
    bandwidth(): number;
  }

  export interface LineGenerator<T> {
    (data: readonly T[]): string | null;
    x(f: (d: T) => number): LineGenerator<T>;
    y(f: (d: T) => number): LineGenerator<T>;
    defined(f: (d: T) => boolean): LineGenerator<T>;
    curve(c: unknown): LineGenerator<T>;
  }

  export interface AreaGenerator<T> {
    (data: readonly T[]): string | null;
    x(f: (d: T) => number): AreaGenerator<T>;
    y0(f: (d: T) => number): AreaGenerator<T>;
    y1(f: (d: T) => number): AreaGenerator<T>;
    defined(f: (d: T) => boolean): AreaGenerator<T>;
    curve(c: unknown): AreaGenerator<T>;
  }

  export interface D3 {
    scaleLinear(): LinearScale;
    scaleLog(): LinearScale;
    scaleBand(): BandScale;
    line<T>(): LineGenerator<T>;
    area<T>(): AreaGenerator<T>;
    format(specifier: string): (v: number) => string;
    curveStepAfter: unknown;
    curveMonotoneX: unknown;
    curveLinear: unknown;
    schemeTableau10: readonly string[];
  }

  export class D3Node {
    constructor(options?: { styles?: string; selector?: string; container?: string });
    readonly d3: D3;
    createSVG(width: number, height: number, attrs?: Record<string, string | number>): Selection;
    svgString(): string;
  }
}
