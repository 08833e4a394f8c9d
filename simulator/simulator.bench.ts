/**
 * Simulator benchmarks for `npm run bench`: simulated requests per wall-clock second through
 * the full policy stack (steady, flash-sale), the bare kernel's events per second, and the same
 * M/M/c model in this simulator and in SimPy 2.3.1 (Debian's python3-simpy), as a ratio.
 * Benchmarks may read the wall clock; the simulator itself never does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Environment } from './kernel/environment.js';
import { runSimulation } from './run-simulation.js';
import { loadScenario } from './scenario/scenario-loader.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
  meetsTarget?: boolean;
}

function simpyScript(): string | null {
  for (const rel of ['./reference/mmc_simpy.py', '../../simulator/reference/mmc_simpy.py']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return null;
}

async function throughput(
  scenario: string,
  seconds: number,
  sets: string[] = [],
): Promise<{ rps: number; requests: number; wall: number; rss: number }> {
  const sc = loadScenario(scenario, sets);
  const t0 = performance.now();
  const s = await runSimulation(sc, { seed: 1, durationMs: seconds * 1000 });
  const wall = (performance.now() - t0) / 1000;
  return { rps: s.requests / wall, requests: s.requests, wall, rss: s.peakRssMb };
}

function kernelEventsPerSecond(events: number): number {
  const env = new Environment();
  let left = events;
  const tick = (gap: number) => {
    if (--left > 0) env.timeout(gap, tick, gap);
  };
  for (let i = 0; i < 1000; i++) env.schedule(i, tick, 1 + (i % 7));
  const t0 = performance.now();
  env.run();
  return env.eventsFired / ((performance.now() - t0) / 1000);
}

export async function benchSimulator(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push({
    name: 'kernel events (schedule + fire)',
    value: Math.round(kernelEventsPerSecond(5_000_000)),
    unit: 'events/s',
  });
  // Warm-up so that the measured runs are JIT-compiled.
  await throughput('steady', 60);
  const steady = await throughput('steady', 3600);
  rows.push({
    name: 'steady: simulated requests per wall second (full policy stack)',
    value: Math.round(steady.rps),
    unit: 'req/s',
    target: '>= 1,000,000',
    meetsTarget: steady.rps >= 1_000_000,
  });
  const flash = await throughput('flash-sale', 3600);
  rows.push({
    name: 'flash-sale: simulated requests per wall second (full policy stack)',
    value: Math.round(flash.rps),
    unit: 'req/s',
  });
  rows.push({
    name: 'flash-sale: simulated hour, wall time',
    value: Math.round(flash.wall * 100) / 100,
    unit: 's',
    target: '< 60',
    meetsTarget: flash.wall < 60,
  });

  // The same M/M/2 at 80% load in both simulators.
  const customers = 200_000;
  const mmc = await throughput('mmc', customers / 1.6, ['servers=2', 'arrivalRate=1.6', 'serviceRate=1']);
  rows.push({
    name: 'M/M/2 (rho 0.8): Sluice simulator, full policy stack',
    value: Math.round(mmc.rps),
    unit: 'customers/s',
  });
  const script = simpyScript();
  const py =
    script === null
      ? null
      : spawnSync('/usr/bin/python3', [script, '2', '1.6', '1', String(customers), '1'], {
          encoding: 'utf8',
        });
  if (py !== null && py.status === 0) {
    const ref = JSON.parse(py.stdout.trim()) as { customersPerSecond: number };
    rows.push({
      name: 'M/M/2 (rho 0.8): SimPy 2.3.1 reference',
      value: Math.round(ref.customersPerSecond),
      unit: 'customers/s',
    });
    rows.push({
      name: 'M/M/2: Sluice / SimPy speed ratio',
      value: Math.round((mmc.rps / ref.customersPerSecond) * 100) / 100,
      unit: 'x',
    });
  } else {
    rows.push({
      name: `M/M/2: SimPy reference did not run (${py === null ? 'script not found' : (py.stderr || 'exit ' + py.status).trim().split('\n').pop()})`,
      value: 0,
      unit: 'customers/s',
    });
  }
  rows.push({
    name: 'peak RSS of the benchmark process',
    value: Math.round(process.resourceUsage().maxRSS / 1024),
    unit: 'MB',
  });
  return rows;
}
