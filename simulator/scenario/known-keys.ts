/**
 * Keys a scenario section does not read are errors, not silence: a misspelt `holiday:` under a
 * diurnal workload used to run as if it were absent. Each unknown key is named with its path, the
 * keys the section reads, and the nearest of them where one is close (a likely typo).
 */
import type { Problems, Rec } from './scenario-sections.js';

export function checkKnownKeys(p: Problems, path: string, r: Rec, known: readonly string[]): void {
  for (const key of Object.keys(r)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    p.add(
      path ? `${path}.${key}` : key,
      `is not a field here${near ? ` (did you mean ${near}?)` : ''}; the fields are ${known.join(', ')}`,
    );
  }
}

/** The known key within edit distance 2 of `key` (case ignored), or undefined. */
function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
