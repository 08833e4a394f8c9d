/**
 * `npm run bench`: every micro- and macro-benchmark in one run, written as JSON to
 * bench/results/latest.json (and a dated copy), with a table on stdout. Each figure is measured
 * in this process on this machine; compare ratios within one run, not absolute numbers across
 * runs (the build machines are small and noisy).
 *
 *   node dist/bench/run.js [--only engine,limits,queues,balancers,simulator,models] [--out DIR]
 */
import { scriptFlag } from '../gateway-core/script-flag.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchEngine } from '../gateway-core/engine/engine.bench.js';
import { benchLimiters } from '../gateway-core/limits/limits.bench.js';
import { benchQueues } from '../gateway-core/queues/queues.bench.js';
import { benchBalancers } from '../gateway-core/routing/routing.bench.js';
import { benchSections } from './sections.js';

interface Row {
  section: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  meetsTarget?: boolean;
}

const arg = (name: string): string | undefined => scriptFlag(process.argv, name);

async function main(): Promise<void> {
  const only = arg('only')?.split(',');
  const want = (s: string) => only === undefined || only.includes(s);
  const rows: Row[] = [];
  const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

  if (want('engine')) {
    log('engine (full request path in memory)');
    const r = benchEngine(1_000_000);
    rows.push({
      section: 'engine',
      name: r.name,
      value: r.opsPerSec,
      unit: 'decisions/s',
      target: '>= 1,000,000',
      meetsTarget: r.opsPerSec >= 1_000_000,
    });
  }
  if (want('limits')) {
    log('limiters');
    for (const r of benchLimiters())
      rows.push({ section: 'limits', name: r.name, value: r.opsPerSec, unit: 'acquire/s' });
  }
  if (want('queues')) {
    log('queues');
    for (const r of benchQueues())
      rows.push({ section: 'queues', name: r.name, value: r.opsPerSec, unit: 'enqueue+dequeue/s' });
  }
  if (want('balancers')) {
    log('balancers');
    for (const r of benchBalancers())
      rows.push({ section: 'balancers', name: r.name, value: r.opsPerSec, unit: 'picks/s' });
  }
  for (const section of benchSections) {
    if (!want(section.name)) continue;
    log(section.name);
    for (const r of await section.run()) rows.push({ section: section.name, ...r });
  }

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    rows,
  };
  const out = arg('out') ?? 'bench/results';
  mkdirSync(out, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(out, 'latest.json'), json);
  writeFileSync(join(out, `bench-${result.date.slice(0, 10)}.json`), json);
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  for (const r of rows) {
    const mark =
      r.meetsTarget === undefined
        ? ''
        : r.meetsTarget
          ? `  (target ${r.target}: met)`
          : `  (target ${r.target}: NOT met)`;
    process.stdout.write(
      `${r.section.padEnd(10)} ${r.name.padEnd(width)} ${Math.round(r.value).toLocaleString('en-US').padStart(14)} ${r.unit}${mark}\n`,
    );
  }
  process.stdout.write(`wrote ${join(out, 'latest.json')}\n`);
}

await main();
