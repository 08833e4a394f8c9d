/**
 * Errors in OpenAI's shape, `{"error": {"message", "type", "code"}}`, with the status of the
 * code's catalogue entry (gateway-core/errors.ts). 429s carry `retry-after` (seconds, rounded up)
 * and the binding limit's `x-ratelimit-*` headers.
 */
import type { FastifyReply } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors.js';

export interface ErrorExtras {
  retryAfterMs?: number | null;
  limit?: { id: string; capacity: number; remaining: number } | null;
}

export function errorBody(
  code: ErrorCode,
  message: string,
): { error: { message: string; type: string; code: string } } {
  return { error: { message, type: ERROR_CODES[code].type, code } };
}

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  extras: ErrorExtras = {},
): FastifyReply {
  const status = ERROR_CODES[code].status;
  if (extras.retryAfterMs !== undefined && extras.retryAfterMs !== null && extras.retryAfterMs >= 0) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(extras.retryAfterMs / 1000))));
    reply.header('x-ratelimit-reset-requests', `${Math.max(0, Math.ceil(extras.retryAfterMs))}ms`);
  }
  if (extras.limit) {
    reply.header('x-ratelimit-limit', String(extras.limit.capacity));
    reply.header('x-ratelimit-remaining', String(Math.max(0, extras.limit.remaining)));
    reply.header('x-ratelimit-limit-id', extras.limit.id);
  }
  return reply.code(status).send(errorBody(code, message));
}
