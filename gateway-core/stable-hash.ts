/**
 * FNV-1a 32-bit hash of a string. Stable across processes and machines, so a traffic split by
 * hash sends the same API key to the same arm on every replica and in the simulator.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Maps a string to [0, 1) uniformly (by its FNV-1a hash, finalised with a murmur mix). */
export function stableUnit(text: string): number {
  let h = fnv1a32(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
