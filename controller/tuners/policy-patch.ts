/**
 * Turns tuner output into a candidate policy document: a deep copy of the current one with the
 * changes written where the engine reads them. The current document is never mutated, so the
 * control arm keeps exactly what it had.
 *
 *   tenant-rate   tenants.T.limits: the tenant's requests-per-minute limit (by tenant) gets the
 *                 new rpm and burst; without one, a limit with id `requests:tenant` is added (the
 *                 default id, so it also replaces one inherited from `defaults`)
 *   queue-weights backends.B.queue.weights (only where the backend has a queue)
 *   concurrency   backends.B.maxConcurrencyPerInstance
 *   rule-share    routing.rules[i].share (only on a rule that has one: the operator's consent)
 */
import type { LimitSpec, PolicyDocument } from '../../gateway-core/policy/schema.js';

export type PolicyChange =
  | { kind: 'tenant-rate'; tenant: string; rpm: number; burst: number }
  | { kind: 'queue-weights'; backend: string; weights: Record<string, number> }
  | { kind: 'concurrency'; backend: string; maxConcurrencyPerInstance: number }
  | { kind: 'rule-share'; rule: number; share: number };

export function isTenantRequestLimit(l: LimitSpec): boolean {
  const unit = l.unit ?? 'requests';
  const by = l.by ?? ['tenant'];
  return unit === 'requests' && l.rpm !== undefined && by.length === 1 && by[0] === 'tenant';
}

export function applyChanges(doc: PolicyDocument, changes: readonly PolicyChange[]): PolicyDocument {
  const next = structuredClone(doc);
  for (const c of changes) {
    if (c.kind === 'tenant-rate') {
      const tenant = next.tenants[c.tenant];
      if (!tenant) continue;
      const rpm = Math.max(1, Math.round(c.rpm));
      const burst = Math.max(1, Math.round(c.burst));
      tenant.limits = tenant.limits ?? [];
      const existing = tenant.limits.find(isTenantRequestLimit);
      if (existing) {
        existing.rpm = rpm;
        existing.burst = burst;
      } else tenant.limits.push({ id: 'requests:tenant', by: ['tenant'], rpm, burst });
    } else if (c.kind === 'queue-weights') {
      const queue = next.backends[c.backend]?.queue;
      if (queue) queue.weights = { ...c.weights };
    } else if (c.kind === 'rule-share') {
      const rule = next.routing?.rules?.[c.rule];
      if (rule?.share !== undefined) rule.share = Math.min(1, Math.max(0, c.share));
    } else {
      const backend = next.backends[c.backend];
      if (backend) backend.maxConcurrencyPerInstance = Math.max(1, Math.round(c.maxConcurrencyPerInstance));
    }
  }
  return next;
}

/** One line per change, for the audit log and the run summary's `rollouts[].change`. */
export function describeChanges(changes: readonly PolicyChange[]): string {
  return changes
    .map((c) => {
      if (c.kind === 'tenant-rate')
        return `tenant ${c.tenant}: ${Math.round(c.rpm)} rpm, burst ${Math.round(c.burst)}`;
      if (c.kind === 'queue-weights')
        return `backend ${c.backend}: queue weights ${Object.entries(c.weights)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`;
      if (c.kind === 'rule-share') return `routing rule ${c.rule}: share ${c.share}`;
      return `backend ${c.backend}: concurrency ${c.maxConcurrencyPerInstance}/instance`;
    })
    .join('; ');
}
