/**
 * Keys a scenario section does not read are errors, not silence: a misspelt `holiday:` under a
 * diurnal workload used to run as if it were absent. Each unknown key is named with its path, the
 * keys the section reads, and the nearest of them where one is close (a likely typo).
 */
import { nearestName } from '../../gateway-core/nearest-name.js';
import type { Problems, Rec } from './scenario-sections.js';

export function checkKnownKeys(p: Problems, path: string, r: Rec, known: readonly string[]): void {
  for (const key of Object.keys(r)) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known);
    p.add(
      path ? `${path}.${key}` : key,
      `is not a field here${near ? ` (did you mean ${near}?)` : ''}; the fields are ${known.join(', ')}`,
    );
  }
}
