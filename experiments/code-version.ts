/**
 * The code version that keys cached runs: package.json's version plus the git commit when the
 * checkout has one (a rebuild from other sources must not reuse old results). SLUICE_CODE_VERSION
 * overrides both, e.g. for workers deployed from a tarball without .git.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function codeVersion(root: string): string {
  const override = process.env.SLUICE_CODE_VERSION;
  if (override) return override;
  let version = '0.0.0';
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    if (
      typeof pkg === 'object' &&
      pkg !== null &&
      typeof (pkg as { version?: unknown }).version === 'string'
    ) {
      version = (pkg as { version: string }).version;
    }
  } catch {
    // No package.json: the version alone stays 0.0.0.
  }
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    if (/^[0-9a-f]{40}$/.test(head)) return `${version}+${head.slice(0, 12)}`;
  } catch {
    // Not a git checkout: the package version is all we know.
  }
  return version;
}
