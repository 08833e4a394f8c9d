/**
 * The run cache: OUT/runs/<key>.json, one file per finished run, written atomically (temp file
 * then rename) so an interrupted experiment never leaves a half-written result that a rerun
 * would trust.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOutput, RunRequest } from './arm-runner.js';

export interface StoredRun {
  key: string;
  codeVersion: string;
  request: RunRequest;
  output: RunOutput;
  /** Who ran it: `thread`, `inline` or `queue:<host>:<pid>`. */
  ranBy: string;
}

export class RunStore {
  readonly dir: string;

  constructor(outDir: string) {
    this.dir = join(outDir, 'runs');
    mkdirSync(this.dir, { recursive: true });
  }

  path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  has(key: string): boolean {
    return existsSync(this.path(key));
  }

  read(key: string): StoredRun {
    return JSON.parse(readFileSync(this.path(key), 'utf8')) as StoredRun;
  }

  write(run: StoredRun): void {
    const tmp = `${this.path(run.key)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(run));
    renameSync(tmp, this.path(run.key));
  }
}
