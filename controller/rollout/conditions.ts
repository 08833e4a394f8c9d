/**
 * Rollout conditions, Kubernetes style: one condition per type with a status, a machine-readable
 * reason and a message; lastTransitionTime moves only when the status changes, so it says how
 * long the rollout has been in its present state.
 */
export type ConditionType = 'Progressing' | 'CanaryHealthy' | 'Promoted' | 'RolledBack';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: number;
}

export class Conditions {
  private readonly byType = new Map<ConditionType, Condition>();

  set(now: number, type: ConditionType, status: ConditionStatus, reason: string, message = ''): void {
    const prev = this.byType.get(type);
    const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : now;
    this.byType.set(type, { type, status, reason, message, lastTransitionTime });
  }

  get(type: ConditionType): Condition | undefined {
    return this.byType.get(type);
  }

  list(): Condition[] {
    return [...this.byType.values()].map((c) => ({ ...c }));
  }
}
