/**
 * The policy `sluice gateway --upstream URL` runs without a policy file: one backend pool (the
 * upstream), one catch-all model, one tenant with one key. In this mode the gateway accepts ANY
 * bearer key: it runs every request as the quick-start key and passes the key's hash as the
 * request's `user`, so the default limits (`--rpm`, `--tpm`) hold per presented key
 * (`by: [user]`). It is for trying Sluice out on a trusted network, not for production: anyone
 * who can reach the port can use the upstream.
 */
import type { PolicyDocument } from '../policy/schema.js';

export const QUICK_START_KEY = 'sluice-quick-start-key';
export const QUICK_START_MODEL = 'default';

export interface QuickStartOptions {
  upstream: string;
  rpm?: number;
  tpm?: number;
  /** Upstream API key (sent to the upstream as Bearer). */
  upstreamApiKey?: string;
}

export function quickStartPolicy(o: QuickStartOptions): PolicyDocument {
  const limits: NonNullable<PolicyDocument['defaults']>['limits'] = [];
  if (o.rpm !== undefined) limits.push({ id: 'rpm-per-key', rpm: o.rpm, by: ['user'] });
  if (o.tpm !== undefined) limits.push({ id: 'tpm-per-key', tpm: o.tpm, by: ['user'] });
  return {
    apiVersion: 'sluice/v1',
    description: `quick start: every bearer key proxied to ${o.upstream}`,
    tiers: { default: { sloMs: 30_000 } },
    models: {
      [QUICK_START_MODEL]: { inputPricePerMTok: 0, outputPricePerMTok: 0, backends: ['upstream'] },
    },
    backends: {
      upstream: {
        instances: [{ id: 'upstream-1', url: o.upstream }],
        maxConcurrencyPerInstance: 256,
        timeout: '120s',
        ...(o.upstreamApiKey !== undefined ? { apiKey: o.upstreamApiKey } : {}),
      },
    },
    defaults: { limits, deadline: '120s' },
    tenants: { default: { tier: 'default', keys: { quickstart: { key: QUICK_START_KEY } } } },
    routing: { fallbackOn: ['5xx', 'timeout'], maxAttempts: 2 },
  };
}
