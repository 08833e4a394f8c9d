/**
 * Opens a report in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
 * no console errors, every chart rendered with data marks, and a screenshot saved to a temp
 * folder (the README's screenshots come from `npm run experiments -- --screenshots DIR`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { InlineExecutor } from '../run-executor.js';
import { runExperiment } from '../runner.js';
import { parseSpec } from '../spec.js';
import { CHROMIUM, CHROMIUM_ARGS } from './screenshot.js';
import { writeReport } from './write-report.js';

test('the report renders in Chromium: no console errors, every chart has data marks', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with \`apt-get install chromium\``);
  const out = mkdtempSync(join(tmpdir(), 'sluice-browser-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const spec = parseSpec(`
name: multi-tenant-browser
description: A tenant floods the gateway halfway through; the controller modes compared.
scenario: multi-tenant
duration: 40m
seeds: 4
baseline: static
runner: stand-in
arms:
  - {name: static, mode: static}
  - {name: reactive, mode: reactive}
  - {name: gradient2, mode: gradient2}
  - {name: adaptive, mode: adaptive}
metrics: [latencyMs.p99, costUsd, jainFairness]
`);
    await runExperiment(spec, { outDir: out, executor: new InlineExecutor(), codeVersion: 'test' });
    const files = writeReport(out);
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(files.html).href);
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((s) => ({
        id: s.getAttribute('data-chart'),
        marks: s.querySelectorAll('.mark').length,
        noData: s.querySelectorAll('.no-data').length,
        height: s.getBoundingClientRect().height,
      })),
    );
    assert.deepEqual(errors, []);
    // Only the page itself is loaded: the report needs no network.
    assert.deepEqual(requests, [pathToFileURL(files.html).href]);
    assert.deepEqual(
      charts.map((c) => c.id),
      [
        'arrivals',
        'latency-premium',
        'latency-standard',
        'latency-batch',
        'queue-depth',
        'instances',
        'rate-limits',
        'queue-weights',
        'latency-cdf',
        'cost-tenant',
        'cost-model',
        'fairness',
      ],
    );
    for (const c of charts) {
      assert.equal(c.noData, 0, `${c.id} says no data`);
      assert.ok(c.marks > 0, `${c.id} has no marks`);
      assert.ok(c.height > 100, `${c.id} is ${c.height}px tall`);
    }
    const marks = Object.fromEntries(charts.map((c) => [c.id, c.marks]));
    // arrivals + forecast line + band; 4 p99 lines + 2 p50 lines per tier; 4 CDF lines; 4 fairness bars;
    // 3 tenants x 4 arms cost segments; the rate limit line and 4 rollout markers.
    assert.equal(marks.arrivals, 3);
    assert.equal(marks['latency-premium'], 6);
    assert.equal(marks['latency-cdf'], 4);
    assert.equal(marks.fairness, 4);
    assert.equal(marks['cost-tenant'], 12);
    assert.equal(marks['rate-limits'], 5);
    const headline = await page.textContent('#headline .lead');
    assert.equal(headline, files.headline);
    const shot = join(out, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 50_000);
  } finally {
    await browser.close();
    rmSync(out, { recursive: true, force: true });
  }
});
