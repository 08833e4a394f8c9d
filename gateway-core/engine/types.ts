/**
 * The request-path engine's public types: what the server and the simulator hand in, and what
 * they get back. See request-path.ts for the path itself.
 *
 * Lifecycle of a request (the adapter's side):
 *   const a = engine.submit(req)            // identify -> validate -> admit -> cache -> route -> schedule
 *   a.kind === 'rejected'  -> answer a.status with a.code (429s carry retryAfterMs)
 *   a.kind === 'cached'    -> answer from a.value
 *   a.kind === 'dispatch'  -> send to a.ticket.instanceId now
 *   a.kind === 'queued'    -> wait: the engine calls listener.dispatch(ticket) when a slot frees,
 *                             or listener.expire(ticket) when its deadline passes
 *   then engine.complete(ticket, outcome) -> 'done' | 'retry' (send again to ticket.instanceId,
 *   a fallback) | 'failed' | 'queued' (waits again for a slot on the fallback backend)
 *   engine.poll() whenever engine.nextWakeAt() comes: expires deadlines, releases waiters.
 */
import type { ErrorCode } from '../errors.js';
import type { Arm } from '../telemetry/interval-record.js';

export interface GatewayRequest {
  /** Unique id (the server's request id, the simulator's sequence number). */
  id: string;
  /** The caller's API key, as presented (the engine hashes and looks it up). */
  apiKey: string;
  /** Model asked for. */
  model: string;
  /** Prompt tokens (counted or estimated by the adapter). */
  inputTokens: number;
  /** `max_tokens` asked for (0 when absent: the policy's maxOutputTokens is reserved). */
  maxOutputTokens: number;
  user?: string;
  ip?: string;
  /** A task tag for routing rules (e.g. from an `x-sluice-task` header). */
  task?: string;
  temperature?: number;
  /** Normalised cache key (see cache/cache-key.ts); absent when the request is not cacheable. */
  cacheKey?: string;
  /** Size of the request body in bytes (0 when unknown). */
  bodyBytes?: number;
  /**
   * Who asked: a client (default), or the gateway itself re-issuing a popular request to
   * pre-warm the cache. A pre-warm is routed, queued, served and cached like the client's
   * request, but takes nothing from the tenant's rate limits, concurrency or budget, and its
   * telemetry goes to the series of tenant `(prewarm)`: load on the backends, not the tenant's
   * demand.
   */
  origin?: 'client' | 'prewarm';
}

export interface Identity {
  tenant: string;
  keyId: string;
  app: string | null;
  tier: string;
}

/** A request admitted by policy, followed through queueing, dispatch, retries and completion. */
export interface Ticket {
  readonly request: GatewayRequest;
  readonly identity: Identity;
  readonly arm: Arm;
  readonly policyVersion: number;
  /** The model served (may differ from the one asked for after a downgrade). */
  model: string;
  /** Backend pools to try, in order, and the position reached. */
  readonly chain: readonly string[];
  chainIndex: number;
  /** The backend pool and instance chosen for the current attempt ('' while queued). */
  backend: string;
  instanceId: string;
  instanceUrl: string | undefined;
  /** Upstream attempts so far (1 on the first dispatch). */
  attempts: number;
  readonly arrivedAt: number;
  /** Absolute time after which the request must not start (or wait) any longer. */
  readonly deadline: number;
  /** Output tokens reserved at admission, reconciled at completion. */
  readonly reservedOutputTokens: number;
  dispatchedAt: number;
  state: 'queued' | 'in-flight' | 'done';
}

export type Admission =
  | {
      kind: 'rejected';
      code: ErrorCode;
      status: number;
      message: string;
      /** For 429s: when trying again could succeed (ms). */
      retryAfterMs: number | null;
      /** The binding limit, for x-ratelimit-* headers. */
      limit: { id: string; capacity: number; remaining: number } | null;
      identity: Identity | null;
    }
  | { kind: 'cached'; value: unknown; identity: Identity }
  | { kind: 'dispatch'; ticket: Ticket }
  | { kind: 'queued'; ticket: Ticket };

export type UpstreamOutcome =
  | {
      ok: true;
      inputTokens: number;
      outputTokens: number /** Response to cache, when cacheable. */;
      cacheValue?: unknown;
      cacheBytes?: number;
    }
  | { ok: false; kind: '429' | '5xx' | 'timeout' | '4xx'; retryAfterMs?: number };

export type CompletionStep =
  | { kind: 'done' }
  | { kind: 'retry' } // ticket now names a new backend/instance: send again
  | { kind: 'queued' } // waits for a slot on the fallback backend; listener.dispatch follows
  | { kind: 'failed'; code: ErrorCode; status: number; message: string };

/** How the engine hands back work that was waiting. */
export interface EngineListener {
  /** A queued ticket got a slot: send it to ticket.instanceId now. */
  dispatch(ticket: Ticket): void;
  /** A queued ticket passed its deadline (or its backend vanished) and was dropped. */
  expire(ticket: Ticket, code: ErrorCode): void;
}
