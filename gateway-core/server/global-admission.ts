/**
 * Fleet-wide limits: before the engine's local admission, a request is checked against the same
 * policy limits held in Redis (DistributedLimits, exact or leased), so that N replicas admit what
 * one gateway would, not N times as much. The engine's local limiters still run with the same
 * numbers; per replica they are looser than the shared limit, so the shared one binds.
 *
 * Amounts reserved per unit (reconciled with actual usage at completion, as the engine does):
 *   requests 1 | input-tokens inputTokens | output-tokens reservedOut | total-tokens both
 * where reservedOut = max_tokens, or the scope's maxOutputTokens when the request gives none.
 */
import type { Identity } from '../engine/types.js';
import { limitKey } from '../limits/limit-key.js';
import type { PolicyResolver } from '../policy/effective.js';
import type { LimitUnit } from '../policy/schema.js';
import type { DistributedLimits, LimitCheck, RequestDecision } from './redis/distributed-limits.js';

export interface GlobalAdmission {
  decision: RequestDecision;
  checks: LimitCheck[];
  /** The unit of each check, in order. */
  units: LimitUnit[];
  reservedInput: number;
  reservedOutput: number;
}

export interface GlobalRequest {
  apiKey: string;
  model: string;
  inputTokens: number;
  maxOutputTokens: number;
  user?: string;
  ip?: string;
}

export function limitChecks(
  resolver: PolicyResolver,
  identity: Identity,
  req: GlobalRequest,
): GlobalAdmission | null {
  const settings = resolver.effective(identity.keyId, req.model);
  if (settings.limits.length === 0) return null;
  const reservedOutput = req.maxOutputTokens > 0 ? req.maxOutputTokens : settings.maxOutputTokens;
  const checks: LimitCheck[] = settings.limits.map((l) => ({
    limit: {
      id: l.id,
      key: `${l.id}|${limitKey(l.by, { keyId: identity.keyId, tenant: identity.tenant, model: req.model, user: req.user, ip: req.ip })}`,
      algorithm: l.algorithm,
      limit: l.limit,
      periodMs: l.periodMs,
      burst: l.burst,
      failMode: l.failMode,
    },
    amount:
      l.unit === 'requests'
        ? 1
        : l.unit === 'input-tokens'
          ? req.inputTokens
          : l.unit === 'output-tokens'
            ? reservedOutput
            : req.inputTokens + reservedOutput,
  }));
  const decision: RequestDecision = {
    allowed: true,
    remaining: 0,
    retryAfterMs: 0,
    source: 'redis',
    binding: null,
  };
  const units = settings.limits.map((l) => l.unit);
  return { decision, checks, units, reservedInput: req.inputTokens, reservedOutput };
}

/** Checks the shared limits; fills in `decision`. */
export async function admitGlobally(limits: DistributedLimits, g: GlobalAdmission): Promise<RequestDecision> {
  g.decision = await limits.acquire(g.checks);
  return g.decision;
}

/**
 * After the request: 'done' reconciles token reservations with actual usage; 'failed' (ran, no
 * answer) gives back tokens but keeps request units spent, like the engine; 'refused' (the
 * engine refused after the shared limits admitted) gives back everything.
 */
export type GlobalSettlement =
  | { kind: 'refused' }
  | { kind: 'failed' }
  | { kind: 'done'; inputTokens: number; outputTokens: number };

export function settleGlobally(limits: DistributedLimits, g: GlobalAdmission, s: GlobalSettlement): void {
  g.checks.forEach((c, i) => {
    const unit = g.units[i];
    let delta: number;
    if (s.kind === 'refused') delta = -c.amount;
    else if (unit === 'requests') delta = 0;
    else if (s.kind === 'failed') delta = -c.amount;
    else {
      const used =
        unit === 'input-tokens'
          ? s.inputTokens
          : unit === 'output-tokens'
            ? s.outputTokens
            : s.inputTokens + s.outputTokens;
      delta = used - c.amount;
    }
    if (delta !== 0) void limits.adjust(c.limit, delta);
  });
}
