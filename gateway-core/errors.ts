/**
 * The one catalogue of Sluice error codes. Each code has an HTTP status and an OpenAI error
 * `type`, so the server can answer in OpenAI's error shape and the simulator can count by code.
 * Match on `code`, not `instanceof`: errors cross worker threads. A rejection by policy is a
 * normal Decision, not a throw; throw a SluiceError only for bad configuration or bad input.
 */
export const ERROR_CODES = {
  SLUICE_BAD_REQUEST: {
    status: 400,
    type: 'invalid_request_error',
    doc: 'The request body is malformed or missing a field.',
  },
  SLUICE_UNAUTHORIZED: {
    status: 401,
    type: 'authentication_error',
    doc: 'The API key is missing or unknown.',
  },
  SLUICE_FORBIDDEN: {
    status: 403,
    type: 'permission_error',
    doc: 'The key is not allowed to use this model or endpoint.',
  },
  SLUICE_NOT_FOUND: { status: 404, type: 'invalid_request_error', doc: 'No such route or model.' },
  SLUICE_TOO_LARGE: {
    status: 413,
    type: 'invalid_request_error',
    doc: 'The request exceeds the size or token limit.',
  },
  SLUICE_RATE_LIMITED: {
    status: 429,
    type: 'rate_limit_error',
    doc: 'A request or token rate limit is exhausted.',
  },
  SLUICE_CONCURRENCY_LIMITED: {
    status: 429,
    type: 'rate_limit_error',
    doc: 'Too many requests in flight for this tenant, model or backend.',
  },
  SLUICE_BUDGET_EXHAUSTED: {
    status: 429,
    type: 'insufficient_quota',
    doc: 'The spending budget for this period is used up.',
  },
  SLUICE_QUEUE_FULL: {
    status: 429,
    type: 'rate_limit_error',
    doc: 'The wait queue is at its maximum depth.',
  },
  SLUICE_DEADLINE_EXCEEDED: {
    status: 504,
    type: 'timeout_error',
    doc: 'The request waited past its deadline.',
  },
  SLUICE_UPSTREAM_ERROR: {
    status: 502,
    type: 'api_error',
    doc: 'The backend answered with an error and no fallback succeeded.',
  },
  SLUICE_NO_BACKEND: {
    status: 503,
    type: 'api_error',
    doc: 'No healthy backend: every circuit is open or every instance ejected.',
  },
  SLUICE_UPSTREAM_TIMEOUT: { status: 504, type: 'timeout_error', doc: 'The backend did not answer in time.' },
  SLUICE_POLICY_INVALID: {
    status: 400,
    type: 'invalid_request_error',
    doc: 'A policy document failed validation; the last good policy stays.',
  },
  SLUICE_TRACE_INVALID: {
    status: 400,
    type: 'invalid_request_error',
    doc: 'A trace or series file has a bad row (the message names its line).',
  },
  SLUICE_CONFIG_INVALID: {
    status: 400,
    type: 'invalid_request_error',
    doc: 'A scenario, experiment or command-line option is invalid.',
  },
  SLUICE_INTERNAL: { status: 500, type: 'api_error', doc: 'A bug in Sluice.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'SluiceError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }

  /** OpenAI's error body shape. */
  toOpenAI(): { error: { message: string; type: string; code: string } } {
    return { error: { message: this.message, type: ERROR_CODES[this.code].type, code: this.code } };
  }
}

export function isSluiceError(e: unknown): e is SluiceError {
  return (
    typeof e === 'object' &&
    e !== null &&
    'code' in e &&
    typeof (e as { code: unknown }).code === 'string' &&
    (e as { code: string }).code in ERROR_CODES
  );
}
