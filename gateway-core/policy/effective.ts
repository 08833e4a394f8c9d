/**
 * The settings hierarchy: what applies to one API key calling one model.
 *
 *   defaults -> tenants.T -> tenants.T.keys.K -> modelOverrides.M -> tenants.T.modelOverrides.M
 *
 * A later level overrides an earlier one field by field. Limits merge by id: a limit with the
 * same id replaces the earlier one, the others add up (every limit that applies must admit).
 *
 * Built-in defaults (where no level sets a field):
 *   concurrency      null (no cap)         maxInputTokens   128 000 (a large context window)
 *   maxOutputTokens  4 096 (reserved when a request gives no max_tokens)
 *   maxBodyBytes     4 MiB (4 194 304)     deadline         30 s
 *   cache            true (the document's top-level `cache.enabled` still decides)
 *   allowedModels    null (every model)    limits           none
 * Limit defaults are in normalised-limit.ts.
 *
 * PolicyResolver is immutable: a new policy is a new resolver. It hashes plaintext `key`s once
 * at construction, and caches both key lookups (bounded) and effective settings per (key, model).
 */
import { SluiceError } from '../errors.js';
import type { Identity } from '../engine/types.js';
import { parseDurationMs } from './duration.js';
import { type NormalisedLimit, normaliseLimit } from './normalised-limit.js';
import type { PolicyDocument, Settings } from './schema.js';
import { keyHashOf, sha256Hex } from './api-key.js';

export interface EffectiveSettings {
  limits: NormalisedLimit[];
  concurrency: number | null;
  maxInputTokens: number;
  maxOutputTokens: number;
  maxBodyBytes: number;
  deadlineMs: number;
  cache: boolean;
  allowedModels: string[] | null;
}

export const SETTING_DEFAULTS = Object.freeze({
  concurrency: null,
  maxInputTokens: 128_000,
  maxOutputTokens: 4096,
  maxBodyBytes: 4 * 1024 * 1024,
  deadlineMs: 30_000,
  cache: true,
  allowedModels: null,
});

/** Merges levels, most general first; `undefined` levels are skipped. */
export function mergeSettings(levels: readonly (Settings | undefined)[]): EffectiveSettings {
  const limits = new Map<string, NormalisedLimit>();
  const out: EffectiveSettings = { ...SETTING_DEFAULTS, limits: [] };
  for (const level of levels) {
    if (level === undefined) continue;
    for (const spec of level.limits ?? []) {
      const limit = normaliseLimit(spec);
      // Map.set keeps a replaced limit where it first appeared: the order stays stable.
      limits.set(limit.id, limit);
    }
    if (level.concurrency !== undefined) out.concurrency = level.concurrency;
    if (level.maxInputTokens !== undefined) out.maxInputTokens = level.maxInputTokens;
    if (level.maxOutputTokens !== undefined) out.maxOutputTokens = level.maxOutputTokens;
    if (level.maxBodyBytes !== undefined) out.maxBodyBytes = level.maxBodyBytes;
    if (level.deadline !== undefined) out.deadlineMs = parseDurationMs(level.deadline);
    if (level.cache !== undefined) out.cache = level.cache;
    if (level.allowedModels !== undefined) out.allowedModels = [...level.allowedModels];
  }
  out.limits = [...limits.values()];
  return out;
}

interface KeyEntry {
  identity: Identity;
  tenant: string;
  key: string;
}

export interface PolicyResolverOptions {
  /** Most presented keys remembered by identify() (default 10 000). */
  identityCacheSize?: number;
}

/** Unknown models share one cache entry: request model names must not grow the cache. */
const UNKNOWN_MODEL = '\u0000unknown';

export class PolicyResolver {
  readonly policy: PolicyDocument;
  private readonly byHash = new Map<string, Identity>();
  private readonly byKeyId = new Map<string, KeyEntry>();
  private presentedYoung = new Map<string, Identity | null>();
  private presentedOld = new Map<string, Identity | null>();
  private readonly generationSize: number;
  /** keyId -> model (or UNKNOWN_MODEL) -> settings. */
  private readonly settingsCache = new Map<string, Map<string, EffectiveSettings>>();

  /** `policy` must have passed validatePolicy (key names unique, exactly one of key/hash). */
  constructor(policy: PolicyDocument, options: PolicyResolverOptions = {}) {
    this.policy = policy;
    this.generationSize = Math.max(1, Math.floor((options.identityCacheSize ?? 10_000) / 2));
    for (const [tenant, t] of Object.entries(policy.tenants)) {
      for (const [key, k] of Object.entries(t.keys ?? {})) {
        const identity: Identity = Object.freeze({
          tenant,
          keyId: key,
          app: k.app ?? null,
          tier: k.tier ?? t.tier,
        });
        const hash = keyHashOf(k);
        if (hash !== null) this.byHash.set(hash, identity);
        this.byKeyId.set(key, { identity, tenant, key });
      }
    }
  }

  /**
   * The identity behind a presented API key, or null when unknown. Recent answers are remembered
   * (misses too, so a flood of bad keys is not hashed twice) in two generations: lookups hit the
   * young map, then the old one (promoting the entry); when the young map fills, it becomes the
   * old one and the previous old one is dropped. O(1) with no per-hit bookkeeping, at most
   * `identityCacheSize` entries, and a hot key survives as long as it is used once per generation.
   * (Evicting the oldest entry of one Map instead costs a scan over deleted slots in V8.)
   */
  identify(apiKey: string): Identity | null {
    const young = this.presentedYoung.get(apiKey);
    if (young !== undefined) return young;
    let identity = this.presentedOld.get(apiKey);
    if (identity === undefined) identity = this.byHash.get(sha256Hex(apiKey)) ?? null;
    if (this.presentedYoung.size >= this.generationSize) {
      this.presentedOld = this.presentedYoung;
      this.presentedYoung = new Map();
    }
    this.presentedYoung.set(apiKey, identity);
    return identity;
  }

  /** The identity of a key by its name in the document (e.g. for traces that name keys). */
  identityOf(keyId: string): Identity | null {
    return this.byKeyId.get(keyId)?.identity ?? null;
  }

  /** Names of every key in the document, in document order. */
  keyIds(): string[] {
    return [...this.byKeyId.keys()];
  }

  /** Settings for `keyId` calling `model`, computed once per pair and frozen (shared). */
  effective(keyId: string, model: string): EffectiveSettings {
    const modelKey = Object.hasOwn(this.policy.models, model) ? model : UNKNOWN_MODEL;
    let perKey = this.settingsCache.get(keyId);
    const cached = perKey?.get(modelKey);
    if (cached !== undefined) return cached;
    const entry = this.byKeyId.get(keyId);
    if (entry === undefined) {
      throw new SluiceError('SLUICE_UNAUTHORIZED', `no key "${keyId}" in this policy`);
    }
    const tenant = this.policy.tenants[entry.tenant];
    const key = tenant.keys?.[entry.key];
    const overrides = modelKey === UNKNOWN_MODEL ? undefined : this.policy.modelOverrides?.[model];
    const tenantOverrides = modelKey === UNKNOWN_MODEL ? undefined : tenant.modelOverrides?.[model];
    const settings = freeze(mergeSettings([this.policy.defaults, tenant, key, overrides, tenantOverrides]));
    if (perKey === undefined) {
      perKey = new Map();
      this.settingsCache.set(keyId, perKey);
    }
    perKey.set(modelKey, settings);
    return settings;
  }
}

function freeze(s: EffectiveSettings): EffectiveSettings {
  for (const l of s.limits) {
    Object.freeze(l.by);
    Object.freeze(l);
  }
  Object.freeze(s.limits);
  if (s.allowedModels !== null) Object.freeze(s.allowedModels);
  return Object.freeze(s);
}
