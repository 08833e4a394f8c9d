/** Benchmarks of the larger parts (simulator, models), each a section of `npm run bench`. */
import { benchModels } from '../models/models.bench.js';
import { benchSimulator } from '../simulator/simulator.bench.js';

export interface BenchSection {
  name: string;
  run(): Promise<
    Array<{ name: string; value: number; unit: string; target?: string; meetsTarget?: boolean }>
  >;
}

export const benchSections: BenchSection[] = [
  { name: 'simulator', run: benchSimulator },
  {
    name: 'models',
    run: async () => (await benchModels()).map((r) => ({ ...r, name: `${r.name} [${r.backend}]` })),
  },
];
