/** Benchmarks of the larger parts (simulator, models), each a section of `npm run bench`. */
export interface BenchSection {
  name: string;
  run(): Promise<
    Array<{ name: string; value: number; unit: string; target?: string; meetsTarget?: boolean }>
  >;
}

export const benchSections: BenchSection[] = [];
