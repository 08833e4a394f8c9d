/**
 * Writes the simulator's labelled anomaly corpus (anomaly-corpus.ts) as files:
 *   node dist/simulator/anomaly-corpus-cli.js --out DIR [--seed S] [--runs N] [--days D] [--rate R]
 * DIR gets `<name>.csv` (timestamp,value) per series, `labels.json` in NAB's combined-windows
 * shape ({ "<file>": [[start, end], ...] }) and `corpus.json` (per file: metric and typed
 * windows, end exclusive), which models/eval reads without importing the simulator.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scriptFlag } from '../gateway-core/script-flag.js';
import { type CorpusSeries, generateSimCorpus } from './anomaly-corpus.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function writeSimCorpus(dir: string, series: readonly CorpusSeries[]): void {
  mkdirSync(dir, { recursive: true });
  const nab: Record<string, string[][]> = {};
  const manifest: Array<{
    file: string;
    metric: string;
    labels: Array<{ start: string; end: string; type: string }>;
  }> = [];
  for (const s of series) {
    const file = `${s.name}.csv`;
    const rows = s.times.map((t, i) => `${iso(t)},${s.values[i]}`);
    writeFileSync(join(dir, file), `timestamp,value\n${rows.join('\n')}\n`);
    nab[file] = s.labels.map((l) => [iso(l.start), iso(l.end - 60_000)]);
    manifest.push({
      file,
      metric: s.metric,
      labels: s.labels.map((l) => ({ start: iso(l.start), end: iso(l.end), type: l.type })),
    });
  }
  writeFileSync(join(dir, 'labels.json'), `${JSON.stringify(nab, null, 2)}\n`);
  writeFileSync(
    join(dir, 'corpus.json'),
    `${JSON.stringify({ stepMs: 60_000, series: manifest }, null, 2)}\n`,
  );
}

export async function main(argv: string[]): Promise<void> {
  const out = scriptFlag(argv, 'out', join('out', 'anomaly-corpus'));
  const series = await generateSimCorpus({
    seed: Number(scriptFlag(argv, 'seed', '1')),
    runs: Number(scriptFlag(argv, 'runs', '4')),
    days: Number(scriptFlag(argv, 'days', '3')),
    meanRate: Number(scriptFlag(argv, 'rate', '4')),
  });
  writeSimCorpus(out, series);
  const windows = series.reduce((a, s) => a + s.labels.length, 0);
  process.stdout.write(`anomaly corpus: ${series.length} series, ${windows} label windows -> ${out}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
