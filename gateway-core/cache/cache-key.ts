/**
 * Exact-match cache keys for OpenAI-style chat/completion requests.
 *
 *   key = hex(sha256("sluice-cache-v1\n" + canonicalJson(normalised body)))[0..32]   (128 bits)
 *
 * Normalisation makes requests that must get the same answer share a key:
 * - the body is parsed JSON, so its whitespace and key order never matter (canonicalJson sorts
 *   keys at every depth and writes no whitespace);
 * - `model` is the model actually served (the argument), not the one in the body;
 * - fields that do not change the completion are dropped: stream, stream_options, user,
 *   metadata, store; so are top-level nulls and parameters equal to OpenAI's defaults
 *   (temperature 1, top_p 1, n 1, presence_penalty 0, frequency_penalty 0);
 * - `stop: "x"` is the same as `stop: ["x"]`.
 * Everything else (messages with role/content/name/tool calls, tools, tool_choice,
 * response_format, max_tokens, seed, logit_bias...) is kept as is: message text is never
 * trimmed, since whitespace inside a prompt can change the answer.
 * The version string in the hash changes every key when these rules change.
 */
import { createHash } from 'node:crypto';
import { SluiceError } from '../errors.js';

const EXCLUDED = new Set(['stream', 'stream_options', 'user', 'metadata', 'store']);

export const OPENAI_DEFAULTS: Readonly<Record<string, number>> = Object.freeze({
  temperature: 1,
  top_p: 1,
  n: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
});

const KEY_VERSION = 'sluice-cache-v1\n';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with keys sorted at every depth and no whitespace; undefined members are left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify writes -0 as 0 and non-finite numbers as null, as JSON.parse would read them.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += value[i] === undefined ? 'null' : canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = rec[k];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** The request reduced to what determines its answer (see the header for the rules). */
export function normaliseRequest(model: string, body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new SluiceError('SLUICE_BAD_REQUEST', 'request body must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (EXCLUDED.has(k) || v === null || v === undefined) continue;
    if (k in OPENAI_DEFAULTS && v === OPENAI_DEFAULTS[k]) continue;
    out[k] = k === 'stop' && typeof v === 'string' ? [v] : v;
  }
  out.model = model;
  return out;
}

export function cacheKey(model: string, body: unknown): string {
  const text = KEY_VERSION + canonicalJson(normaliseRequest(model, body));
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export interface CacheabilityOptions {
  /** Cache answers to sampled requests (temperature > 0) too. */
  allowTemperature?: boolean;
}

/**
 * Whether an answer to this request may be served from the cache: never for several choices
 * (n > 1), and never for sampled output (temperature > 0, where an absent temperature is
 * OpenAI's default of 1) unless `allowTemperature`.
 */
export function isCacheable(body: unknown, options: CacheabilityOptions = {}): boolean {
  if (!isRecord(body)) return false;
  const n = body.n ?? OPENAI_DEFAULTS.n;
  if (typeof n !== 'number' || n > 1) return false;
  if (options.allowTemperature) return true;
  const temperature = body.temperature ?? OPENAI_DEFAULTS.temperature;
  return typeof temperature === 'number' && temperature <= 0;
}
