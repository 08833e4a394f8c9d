/**
 * The composite key that picks a limiter out of a KeyedLimiters: the values of the limit's `by`
 * parts, in order, joined by NUL.
 *
 *   limitKey(['tenant', 'model'], a) = a.tenant + '\0' + a.model
 *
 * NUL cannot appear in policy names (the schema's Name pattern), in API key ids (hex) or in IP
 * addresses; `user` comes from a request body and could hold anything, so a value that contains
 * NUL, or starts with \u0001, is written as '\u0001' + JSON.stringify(value) instead. Raw values
 * never start with \u0001 and JSON never contains a raw NUL, so the key stays injective: two
 * different attribute tuples never share a limiter. The check is two cheap scans, no allocation
 * but the concatenation itself.
 */
import type { LimitKeyPart } from '../policy/schema.js';

export const LIMIT_KEY_SEPARATOR = '\u0000';
/** The value of the `global` part: one limiter shared by every request. */
export const GLOBAL_KEY = '*';

/** What a request is limited by. A missing user or ip counts as '' (all such requests share one). */
export interface LimitKeyAttributes {
  /** The API key's id (never the secret itself). */
  readonly keyId: string;
  readonly tenant: string;
  readonly model: string;
  readonly user?: string | undefined;
  readonly ip?: string | undefined;
}

export function limitKey(parts: readonly LimitKeyPart[], attrs: LimitKeyAttributes): string {
  let key = '';
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) key += LIMIT_KEY_SEPARATOR;
    key += partValue(parts[i], attrs);
  }
  return key;
}

/** True when the key depends only on the key id, tenant and model (so it can be computed once per plan). */
export function isFixedPerKey(parts: readonly LimitKeyPart[]): boolean {
  for (const part of parts) if (part === 'user' || part === 'ip') return false;
  return true;
}

function partValue(part: LimitKeyPart, attrs: LimitKeyAttributes): string {
  switch (part) {
    case 'apiKey':
      return safe(attrs.keyId);
    case 'tenant':
      return safe(attrs.tenant);
    case 'model':
      return safe(attrs.model);
    case 'user':
      return safe(attrs.user ?? '');
    case 'ip':
      return safe(attrs.ip ?? '');
    case 'global':
      return GLOBAL_KEY;
  }
}

function safe(value: string): string {
  return value.indexOf(LIMIT_KEY_SEPARATOR) === -1 && value.charCodeAt(0) !== 1
    ? value
    : '\u0001' + JSON.stringify(value);
}
