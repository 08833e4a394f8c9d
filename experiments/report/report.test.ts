import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InlineExecutor } from '../run-executor.js';
import { runExperiment } from '../runner.js';
import { parseSpec } from '../spec.js';
import { barChart } from './bar-chart.js';
import { analyse } from '../stats.js';
import { differenceWindow, headline } from './headline.js';
import { lineChart } from './line-chart.js';
import type { ArmView, ReportData } from './report-data.js';
import { writeReport } from './write-report.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const count = (svg: string, needle: string) => svg.split(needle).length - 1;

function arm(name: string, p99: number[]): ArmView {
  return {
    arm: name,
    color: '#000',
    seeds: [1],
    points: p99.map((v, i) => ({
      t: i,
      arrivalRps: 1,
      queueDepthMean: 0,
      queueDepthMax: 0,
      instances: null,
      costUsd: 0,
      p50ByTier: { premium: v / 2 },
      p99ByTier: { premium: v },
    })),
    forecast: [],
    scaleAhead: [],
    rateLimits: new Map(),
    queueWeights: new Map(),
    rollouts: [],
    cdf: [],
    summaries: [],
  };
}

test('the difference window is the maximum-sum run of intervals where the challenger gains', () => {
  const driver = {
    label: 'p99',
    unit: 'ms',
    pick: (p: ArmView['points'][number]) => p.p99ByTier.premium,
  };
  const w = differenceWindow(
    arm('static', [100, 100, 500, 600, 100]),
    arm('adaptive', [100, 120, 100, 100, 100]),
    driver,
    'lower',
  );
  // g = [0, -20, 400, 500, 0]: the window is minutes 2 to 4 (end of minute 3), all of the positive gap.
  assert.deepEqual(w, {
    from: 2,
    to: 4,
    share: 1,
    label: 'At its peak (minute 3) static had 600 ms against 100 ms.',
  });
  assert.equal(differenceWindow(arm('a', [1, 1]), arm('b', [2, 2]), driver, 'lower'), null);
});

test('a chart with no data says so instead of drawing an empty frame', () => {
  const svg = lineChart({
    id: 'empty',
    title: 'Empty',
    xLabel: 'x',
    yLabel: 'y',
    series: [{ name: 'a', color: '#000', points: [{ x: 0, y: null }] }],
    noDataReason: 'nothing was measured',
  });
  assert.match(svg, /class="no-data"[^>]*>no data: nothing was measured</);
  assert.equal(count(svg, 'class="mark'), 0);
  const bars = barChart({
    id: 'b',
    title: 'B',
    yLabel: 'y',
    categories: ['a'],
    stacks: [],
    valueFormat: String,
    noDataReason: 'no cost',
  });
  assert.match(bars, /no data: no cost/);
});

test('a line chart draws one path per series, a band, markers and labelled axes', () => {
  const svg = lineChart({
    id: 'l',
    title: 'Lines',
    xLabel: 'time since start (min)',
    yLabel: 'requests / s',
    series: [
      {
        name: 'a',
        color: '#111',
        points: [0, 1, 2].map((x) => ({ x, y: x * 10 })),
        band: [0, 1, 2].map((x) => ({ x, lo: 0, hi: 30 })),
      },
      { name: 'b', color: '#222', points: [0, 1, 2].map((x) => ({ x, y: 5 })) },
    ],
    markers: [{ x: 1, label: 'promote', color: '#0a0' }],
    noDataReason: 'none',
  });
  assert.equal(count(svg, 'class="mark line"'), 2);
  assert.equal(count(svg, 'class="mark band"'), 1);
  assert.equal(count(svg, 'class="mark marker"'), 1);
  assert.match(svg, />time since start \(min\)</);
  assert.match(svg, />requests \/ s</);
  assert.match(svg, /data-chart="l"/);
});

test('an experiment report: self-contained HTML, Markdown and JSON with the same headline', async () => {
  const out = mkdtempSync(join(tmpdir(), 'sluice-report-'));
  dirs.push(out);
  const spec = parseSpec(`
name: report-unit
description: Flash sale, three seeds.
scenario: flash-sale
duration: 30m
seeds: [1, 2, 3]
baseline: static
runner: stand-in
arms:
  - {name: static, mode: static}
  - {name: reactive, mode: reactive}
  - {name: adaptive, mode: adaptive}
metrics: [latencyMs.p99, costUsd]
`);
  await runExperiment(spec, { outDir: out, executor: new InlineExecutor(), codeVersion: 'test' });
  const files = writeReport(out);
  for (const f of [files.html, files.markdown, files.json]) assert.ok(existsSync(f), f);
  const html = readFileSync(files.html, 'utf8');
  // Self-contained: nothing to fetch, nothing to run.
  assert.doesNotMatch(html, /<script|<link|src=|url\(/i);
  assert.equal(count(html, '<svg'), 12);
  // The flash sale has no flooding tenant: no rate limits, but the rollouts still show.
  assert.equal(count(html, 'class="no-data"'), 0);
  assert.match(html, /data-chart="rate-limits"[\s\S]*?no per-tenant rpm limits in the policy: rollouts only/);
  assert.match(files.headline, /^adaptive wins on p99 latency: /);
  const md = readFileSync(files.markdown, 'utf8');
  assert.ok(md.includes(`**${files.headline}**`));
  assert.match(md, /\| p99 latency \| - \| adaptive \| .* \| better \|/);
  const json = JSON.parse(readFileSync(files.json, 'utf8')) as {
    headline: { winner: string; window: { from: number } };
  };
  assert.equal(json.headline.winner, 'adaptive');
  // The sale opens at 40% of the 30 minutes (minute 12): that is where the gap opens.
  const from = json.headline.window.from;
  assert.ok(from >= 11 && from <= 13, `window starts at ${from}`);
});

test('the headline says plainly when arms changed nothing, or when no arm won', () => {
  const runs = [1, 2, 3].flatMap((seed) => [
    { arm: 'static', gridKey: '-', grid: {}, seed, summary: { latencyMs: { p99: 100 + seed }, costUsd: 10 } },
    { arm: 'same', gridKey: '-', grid: {}, seed, summary: { latencyMs: { p99: 100 + seed }, costUsd: 10 } },
    {
      arm: 'noisy',
      gridKey: '-',
      grid: {},
      seed,
      summary: { latencyMs: { p99: 100 + seed * (seed % 2 ? 1.1 : 0.9) }, costUsd: 10 },
    },
  ]);
  const metrics = [
    { name: 'latencyMs.p99', better: 'lower' as const },
    { name: 'costUsd', better: 'lower' as const },
  ];
  const data = (arms: string[]): ReportData => ({
    results: {
      experiment: 'h',
      description: '',
      codeVersion: 't',
      spec: {
        name: 'h',
        description: '',
        scenario: 'x',
        trace: null,
        durationSeconds: 60,
        intervalSeconds: 10,
        seeds: [1, 2, 3],
        arms: arms.map((name) => ({ name, mode: 'static' as const, policy: null, params: {} })),
        grid: {},
        metrics,
        baseline: 'static',
        runner: 'stand-in',
      },
      specSource: '',
      runs: [],
      stats: analyse(
        runs.filter((r) => arms.includes(r.arm)),
        metrics,
        'static',
      ),
    },
    gridKey: '-',
    arms: [],
    tiers: [],
    tenants: [],
    models: [],
  });
  const none = headline(data(['static', 'same']));
  assert.equal(
    none.text,
    'No difference on p99 latency: every arm gave exactly what static gave on every seed (102 ms, 3 seeds).',
  );
  const mixed = headline(data(['static', 'same', 'noisy']));
  assert.equal(mixed.winner, null);
  assert.match(mixed.text, /^No arm beat static on p99 latency significantly \(3 seeds\)\. Best nominal: /);
  assert.ok(
    mixed.details.includes(
      'same: identical to static on every seed and every metric (the mode changed nothing in this run).',
    ),
  );
});
