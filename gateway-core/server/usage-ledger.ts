/**
 * Usage per tenant since the gateway started: requests by outcome, tokens and cost, for the admin
 * API (every tenant) and the tenant-facing /v1/usage (a key sees only its own tenant).
 */
export interface TenantUsage {
  requests: number;
  completed: number;
  cached: number;
  rejected: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export class UsageLedger {
  private readonly tenants = new Map<string, TenantUsage>();

  private of(tenant: string): TenantUsage {
    let u = this.tenants.get(tenant);
    if (u === undefined) {
      u = {
        requests: 0,
        completed: 0,
        cached: 0,
        rejected: 0,
        failed: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      };
      this.tenants.set(tenant, u);
    }
    return u;
  }

  count(tenant: string, outcome: 'completed' | 'cached' | 'rejected' | 'failed'): void {
    const u = this.of(tenant);
    u.requests++;
    u[outcome]++;
  }

  spend(tenant: string, inputTokens: number, outputTokens: number, costUsd: number): void {
    const u = this.of(tenant);
    u.inputTokens += inputTokens;
    u.outputTokens += outputTokens;
    u.costUsd += costUsd;
  }

  get(tenant: string): TenantUsage {
    return { ...this.of(tenant) };
  }

  all(): Record<string, TenantUsage> {
    return Object.fromEntries([...this.tenants].map(([t, u]) => [t, { ...u }]));
  }
}
