/**
 * The shipped experiment specs (experiments/specs/*.yaml), found from the package root so the
 * built CLI in dist/ finds the YAML beside the sources.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExperimentSpec, loadSpec } from './spec.js';

export function packageRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export function specsDir(): string {
  return join(packageRoot(), 'experiments', 'specs');
}

export interface CatalogueEntry {
  file: string;
  spec: ExperimentSpec | null;
  error: string | null;
}

export function listSpecs(dir = specsDir()): CatalogueEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      try {
        return { file, spec: loadSpec(file), error: null };
      } catch (e) {
        return { file, spec: null, error: (e as Error).message };
      }
    });
}
