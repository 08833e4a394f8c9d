/**
 * How API keys are stored and matched: by sha256 of the plaintext, never the plaintext itself.
 * A document gives each key as `hash: sha256:<hex>` (production) or `key: <plaintext>`
 * (development; hashed on load), and a presented key is hashed the same way to look it up.
 */
import { createHash } from 'node:crypto';

const HASH_PREFIX = 'sha256:';

/** sha256 hex of a plaintext key. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hex hash a key spec stands for, or null when it gives neither form as a string. */
export function keyHashOf(spec: { key?: unknown; hash?: unknown }): string | null {
  if (typeof spec.key === 'string') return sha256Hex(spec.key);
  if (typeof spec.hash === 'string' && spec.hash.startsWith(HASH_PREFIX))
    return spec.hash.slice(HASH_PREFIX.length);
  return null;
}
