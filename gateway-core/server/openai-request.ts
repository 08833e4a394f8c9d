/**
 * Reads an OpenAI-style request body into what the engine needs: the model, a prompt-token
 * estimate, max_tokens, streaming, and a cache key. Token estimate (no tokenizer on the hot path):
 *   inputTokens = max(1, ceil(characters of message contents / prompt / input / 4))
 * the usual 4-characters-per-token rule; the upstream's usage corrects it at completion.
 * A body that is not an object, or lacks a field its endpoint requires, is a 400.
 */
import { createHash } from 'node:crypto';
import { SluiceError } from '../errors.js';
import { canonicalJson } from '../policy/version.js';

export type Endpoint = 'chat' | 'completions' | 'embeddings';

export const ENDPOINT_PATHS: Record<Endpoint, string> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
};

export interface ParsedRequest {
  endpoint: Endpoint;
  body: Record<string, unknown>;
  model: string;
  inputTokens: number;
  maxOutputTokens: number;
  stream: boolean;
  /** Asked the upstream for a usage chunk itself (else the gateway adds the option and strips the chunk). */
  clientWantsUsage: boolean;
  temperature: number | undefined;
  user: string | undefined;
  cacheKey: string | undefined;
}

function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (Array.isArray(content)) {
    let n = 0;
    for (const part of content) {
      const text = (part as { text?: unknown } | null)?.text;
      if (typeof text === 'string') n += text.length;
    }
    return n;
  }
  return 0;
}

function textChars(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v))
    return v.reduce((n: number, x: unknown) => n + (typeof x === 'string' ? x.length : 0), 0);
  return 0;
}

function bad(message: string): SluiceError {
  return new SluiceError('SLUICE_BAD_REQUEST', message);
}

/** `withCacheKey`: whether the policy caches at all (hashing the body costs CPU on every request). */
export function parseOpenAIRequest(endpoint: Endpoint, raw: unknown, withCacheKey = true): ParsedRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw bad('The request body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '')
    throw bad('"model" is required and must be a string.');
  let chars = 0;
  if (endpoint === 'chat') {
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      throw bad('"messages" is required and must be a non-empty array.');
    for (const m of body.messages) {
      if (typeof m !== 'object' || m === null || typeof (m as { role?: unknown }).role !== 'string')
        throw bad('Each message must be an object with a "role".');
      chars += contentChars((m as { content?: unknown }).content);
    }
  } else if (endpoint === 'completions') {
    if (typeof body.prompt !== 'string' && !Array.isArray(body.prompt)) throw bad('"prompt" is required.');
    chars = textChars(body.prompt);
  } else {
    if (typeof body.input !== 'string' && !Array.isArray(body.input)) throw bad('"input" is required.');
    chars = textChars(body.input);
  }
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (
    maxTokens !== undefined &&
    !(typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0)
  )
    throw bad('"max_tokens" must be a positive integer.');
  const stream = body.stream === true;
  const temperature = typeof body.temperature === 'number' ? body.temperature : undefined;
  const user = typeof body.user === 'string' ? body.user : undefined;
  const opts = body.stream_options as { include_usage?: unknown } | undefined;
  return {
    endpoint,
    body,
    model: body.model,
    inputTokens: Math.max(1, Math.ceil(chars / 4)),
    maxOutputTokens: endpoint === 'embeddings' ? 0 : typeof maxTokens === 'number' ? maxTokens : 0,
    stream,
    clientWantsUsage: opts?.include_usage === true,
    temperature,
    user,
    cacheKey: stream || !withCacheKey ? undefined : cacheKeyOf(endpoint, body),
  };
}

/** sha256 of the canonical request minus fields that do not change the answer (stream, user). */
export function cacheKeyOf(endpoint: Endpoint, body: Record<string, unknown>): string {
  const { stream: _s, user: _u, stream_options: _o, ...rest } = body;
  return createHash('sha256')
    .update(`${endpoint}\n${canonicalJson(rest)}`)
    .digest('hex');
}
