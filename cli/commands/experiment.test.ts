import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import yargs from 'yargs';
import {
  type ExperimentIo,
  experimentCommand,
  listExperimentsCommand,
  runExperimentCommand,
} from './experiment.js';
import { reportCommand, runReportCommand } from './report.js';
import { workerCommand } from './worker.js';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-cli-exp-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function captured(): ExperimentIo & { stdout: string[]; stderr: string[]; progressText: () => string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const progress = new PassThrough();
  const chunks: Buffer[] = [];
  progress.on('data', (c: Buffer) => chunks.push(c));
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    progress,
    progressText: () => Buffer.concat(chunks).toString('utf8'),
  };
}

test('experiment run: runs, reports, and a second run finds everything done', async () => {
  const spec = join(tmp, 'tiny.yaml');
  writeFileSync(
    spec,
    'name: tiny\nscenario: flash-sale\nduration: 10m\nseeds: [1, 2]\nbaseline: static\nrunner: stand-in\n' +
      'arms: [{name: static, mode: static}, {name: adaptive, mode: adaptive}]\nmetrics: [latencyMs.p99]\n',
  );
  const out = join(tmp, 'out');
  const io = captured();
  assert.equal(await runExperimentCommand(spec, { out, workers: 0 }, io), 0);
  assert.equal(io.stdout[0], `tiny: 2 arms x 2 seeds on 1 worker thread(s) -> ${out}`);
  assert.equal(io.stdout[1], `4 runs executed, 0 already done: ${join(out, 'results.json')}`);
  assert.match(io.stdout[2], /^adaptive wins on p99 latency: /);
  assert.equal(
    io.stdout[3],
    `report: ${join(out, 'report.html')} (also ${join(out, 'report.md')}, ${join(out, 'report.json')})`,
  );
  // Not a TTY: plain progress lines.
  assert.match(io.progressText(), /^tiny: 4 runs, 0 already done\n/);
  assert.match(io.progressText(), /tiny: 4\/4 runs \(100%\), ETA 0s, last adaptive seed 2\n$/);

  const again = captured();
  await runExperimentCommand(spec, { out, workers: 0, report: false }, again);
  assert.equal(again.stdout[1], `0 runs executed, 4 already done: ${join(out, 'results.json')}`);
  assert.equal(again.stdout.length, 2);

  const rebuilt: string[] = [];
  assert.equal(runReportCommand(out, { out: (l) => rebuilt.push(l) }), 0);
  assert.equal(rebuilt[0], io.stdout[2]);
  assert.ok(existsSync(join(out, 'report.html')));
});

test('experiment list shows every shipped spec', () => {
  const io = captured();
  assert.equal(listExperimentsCommand(io), 0);
  const names = io.stdout.map((l) => l.split(/\s+/)[0]);
  assert.deepEqual(names, ['azure-replay', 'cost-overrun', 'flash-sale', 'multi-tenant']);
  assert.match(
    io.stdout[2],
    /^flash-sale\s+scenario flash-sale, 60 min, 6 seeds, arms static\/reactive\/gradient2\/adaptive \(baseline static\)/,
  );
});

test('an invalid spec fails with every problem named', async () => {
  const bad = join(tmp, 'bad.yaml');
  writeFileSync(
    bad,
    'name: bad\nscenario: x\nduration: 1m\nseeds: 3\nbaseline: a\narms: [{name: a, mode: adaptiv}, {name: b, mode: static}]\nmetrics: [costUsd]\n',
  );
  await assert.rejects(runExperimentCommand(bad, { workers: 0 }, captured()), (e: unknown) => {
    const err = e as { code: string; details: string[] };
    assert.equal(err.code, 'SLUICE_CONFIG_INVALID');
    assert.deepEqual(err.details, [
      'arms[0].mode: unknown mode "adaptiv" (expected one of static, reactive, gradient2, adaptive)',
    ]);
    return true;
  });
});

test('the command modules parse their arguments and carry examples', async () => {
  const help = await yargs([])
    .command(experimentCommand)
    .command(reportCommand)
    .command(workerCommand)
    .getHelp();
  assert.match(help, /experiment <command>/);
  assert.match(help, /report <dir>/);
  assert.match(help, /worker/);
  const sub = await new Promise<string>((resolve) => {
    yargs(['experiment', '--help'])
      .scriptName('sluice')
      .wrap(null)
      .command(experimentCommand)
      .exitProcess(false)
      .parse('experiment --help', {}, (_e: unknown, _a: unknown, output: string) => resolve(output));
  });
  assert.match(
    sub,
    /sluice experiment run spec\.yaml --queue redis:\/\/10\.0\.0\.5:6379 +fan out to `sluice worker`/,
  );
  assert.match(sub, /run <file>/);
  assert.match(sub, /list/);
});
